import Foundation
import QdbTestSupport
import Testing

/// A tracer and a client written against the original qdb (stdlib-only
/// Python, see Fixtures/original_peers.py) run a session through the real
/// `qdb-server`.
@Suite struct ServerOriginalPeersTests {
    private static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/original_peers.py").path

    @Test func originalPeersRunASessionThroughTheServer() throws {
        let server = try ServerProcess.launch()
        let peers = try ChildProcess(
            try Executables.searchPath(for: "python3"),
            [Self.fixture, String(server.tracerPort), String(server.clientPort)])
        let status = peers.waitForExit(timeout: 30)
        #expect(status == 0, "\(peers.standardOutput)\(peers.standardError)")
        let transcript = peers.standardOutput.split(separator: "\n").map(String.init)
        #expect(transcript.count == 13)
        #expect(transcript.last == "OK")
        #expect(transcript.contains(#"client <- {"_close": 1005}"#))
        #expect(transcript.contains(#"tracer <- {"e": "disable", "p": "soft"}"#))
    }
}
