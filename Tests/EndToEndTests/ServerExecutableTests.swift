import Foundation
import QdbProtocol
import QdbTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `qdb-server` executable: its command line, its signals, its
/// log file, and `python -m qdb.server`.
@Suite struct ServerExecutableTests {
    @Test func helpExplainsEveryOption() throws {
        let process = try ChildProcess(try Executables.path(of: "qdb-server"), ["--help"])
        #expect(process.waitForExit() == 0)
        let help = process.standardOutput
        for option in [
            "--tracer-host", "--tracer-port", "--client-host", "--client-port", "--route", "--auth-timeout",
            "--inactivity-timeout", "--attach-timeout", "--sweep-time", "--timeout-disable-mode", "--log",
            "--client-auth", "--tracer-auth", "--max-message-bytes",
        ] {
            #expect(help.contains("  \(option) "), "\(option)")
        }
        #expect(help.contains("(default: 8001)") && help.contains("(default: 8002)"))
    }

    @Test(arguments: [
        (["--route", "/(a)(b)"], "exactly one capture group"),
        (["--timeout-disable-mode", "medium"], "medium"),
        (["--auth-timeout=-1"], "auth timeout"),
        (["--max-message-bytes", "0"], "maximum message size"),
    ])
    func refusesSettingsItCannotRunWith(arguments: [String], complaint: String) throws {
        let process = try ChildProcess(try Executables.path(of: "qdb-server"), arguments)
        let status = process.waitForExit()
        #expect(status != nil && status != 0)
        #expect(process.standardError.contains(complaint), "\(process.standardError)")
    }

    @Test(arguments: [SIGTERM, SIGINT])
    func aStopSignalEndsEverySessionAndExitsZero(signal: Int32) throws {
        let server = try ServerProcess.launch()
        let tracer = try TracerTestPeer(port: server.tracerPort)
        try tracer.send(TracerTestPeer.start(uuid: "u1"))
        let client = try WebSocketTestClient(port: server.clientPort, path: "/u1")
        try client.send(Message("start", ""))
        #expect(try tracer.receiveMessage() == Message("start", ""))
        server.process.send(signal: signal)
        #expect(try client.receiveUntilClose() == ([Message("disable")], 1005))
        #expect(try tracer.receiveUntilEndOfStream() == [Message("disable", "soft")])
        #expect(server.process.waitForExit() == 0)
        #expect(server.process.exitedNormally)
    }

    @Test func logsToTheFileGiven() throws {
        let log = NSTemporaryDirectory() + "qdb-server-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let process = try ChildProcess(
            try Executables.path(of: "qdb-server"), ["--tracer-port", "0", "--client-port", "0", "--log", log])
        let contents = { (try? String(contentsOfFile: log, encoding: .utf8)) ?? "" }
        let tracerPort = try #require(waitUntil(timeout: 10) { contents().contains("Serving clients") }
            ? ServerProcess.port(after: "Serving tracers on ", in: contents()) : nil)
        let tracer = try TracerTestPeer(port: tracerPort)
        try tracer.send(TracerTestPeer.start(uuid: "logged"))
        #expect(waitUntil(timeout: 10) { contents().contains("Tracer attached") && contents().contains("logged") })
        process.send(signal: SIGTERM)
        #expect(process.waitForExit() == 0)
        #expect(process.standardError.isEmpty)
    }

    @Test func raisesItsOpenFileLimitToTheHardLimit() throws {
        // bash lowers the soft limit, then becomes the server.
        let script = #"ulimit -S -n 256 && exec "$0" --tracer-port 0 --client-port 0"#
        let server = try ChildProcess("/bin/bash", ["-c", script, try Executables.path(of: "qdb-server")])
        _ = try server.waitForOutput { ServerProcess.port(after: "Serving clients on ", in: $0) }
        let limits = try String(contentsOfFile: "/proc/\(server.pid)/limits", encoding: .utf8)
        let openFiles = try #require(limits.split(separator: "\n").first { $0.hasPrefix("Max open files") })
        let values = openFiles.split(separator: " ").dropFirst(3).prefix(2)
        #expect(values.count == 2 && values.first != "256" && values.first == values.last, "\(openFiles)")
    }

    @Test func pythonDashMQdbServerRunsTheExecutable() throws {
        let python = try Executables.searchPath(for: "python3")
        let process = try ChildProcess(
            python, ["-m", "qdb.server", "--tracer-port", "0", "--client-port", "0", "--attach-timeout", "1"],
            environment: [
                "PYTHONPATH": Executables.packageRoot + "/python",
                "QDB_SERVER": try Executables.path(of: "qdb-server"),
            ])
        let clientPort = try process.waitForOutput { ServerProcess.port(after: "Serving clients on ", in: $0) }
        // The options reached the server: a lonely client is sent away after 1 s.
        let client = try WebSocketTestClient(port: clientPort, path: "/alone")
        try client.send(Message("start", ""))
        #expect(try client.receiveUntilClose(timeout: 5).messages.first
            == Message("error", ["type": "tracer", "data": "No tracer"]))
        process.send(signal: SIGTERM)
        #expect(process.waitForExit() == 0)
    }

    @Test func pythonDashMQdbServerSaysSoWhenItFindsNoServer() throws {
        let python = try Executables.searchPath(for: "python3")
        let process = try ChildProcess(
            python, ["-m", "qdb.server"],
            environment: ["PYTHONPATH": Executables.packageRoot + "/python", "QDB_SERVER": "", "PATH": "/usr/bin:/bin"])
        #expect(process.waitForExit() == 127)
        #expect(process.standardError.contains("cannot find the qdb-server executable"))
    }
}
