#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QdbTestSupport
import Testing

/// editors/emacs/qdb.el in a real Emacs (`emacs --batch`) driving the real
/// qdb-cli, and qdb-cli the way the original qdb.el ran it. The Emacs side
/// is Tests/EndToEndTests/Emacs/gud-test.el, which prints `qdb-test: ok N
/// checks` when every check held. Emacs comes with `make deps`: without
/// it these fail.
@Suite(.serialized) struct EmacsTests {
    static let folder = Executables.packageRoot + "/Tests/EndToEndTests/Emacs"
    static let program = folder + "/program.py"

    static func uniqueUUID() -> String {
        "emacs-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// `M-x qdb` on `qdb-cli run program.py`: gud's arrow follows next,
    /// step, up, down, return and until, breakpoints set and cleared from
    /// the source buffer stop (or no longer stop) `continue`, `p` prints,
    /// and `quit` ends qdb-cli with 0.
    @Test func gudFollowsAScriptRunByQdbCli() throws {
        let uuid = Self.uniqueUUID()
        defer { unlink("/tmp/qdb/.\(uuid)") }
        try runEmacs(mode: "run", environment: ["QDB_TEST_UUID": uuid])
    }

    /// A session on a qdb-server with auth: `M-x qdb` attaches with the
    /// original client's `-w -u -a`, and beside it qdb-cli in a plain
    /// comint buffer (input echo expected, as the original qdb.el set it)
    /// with `tail -f` of the transcript: both show the stops, a command
    /// typed in the comint buffer moves gud's arrow, `quit` ends both.
    @Test func gudAndTheOriginalQdbElWayAttachToASession() throws {
        let uuid = Self.uniqueUUID()
        defer { unlink("/tmp/qdb/.\(uuid)") }
        let token = "token-\(UInt32.random(in: 0...UInt32.max))"
        let server = try ServerProcess.launch(["--client-auth", token, "--tracer-auth", token])
        let home = try makeScratchDirectory("qdb-emacs")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let tracer = try ChildProcess(
            try Executables.path(of: "qdb-python"),
            ["-m", "qdb", "--host", "127.0.0.1", "--port", String(server.tracerPort), "--uuid", uuid,
             "--auth", token, Self.program],
            environment: ["HOME": home], directory: home)
        try runEmacs(mode: "attach", environment: [
            "QDB_TEST_UUID": uuid, "QDB_TEST_AUTH": token,
            "QDB_TEST_ADDRESS": "ws://127.0.0.1:\(server.clientPort)/{uuid}",
        ])
        // `quit` is a soft disable: the program runs on to its end.
        #expect(tracer.waitForExit(timeout: 30) == 0)
        #expect(tracer.standardOutput.contains("total 5\n"), "program output: \(tracer.standardOutput)")
    }

    /// Runs gud-test.el in `mode` after qdb.el, in a HOME of its own, and
    /// expects it to pass.
    func runEmacs(mode: String, environment: [String: String]) throws {
        let emacs = try #require(try? Executables.searchPath(for: "emacs"), "emacs is not installed: run make deps")
        let home = try makeScratchDirectory("qdb-emacs")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let process = try ChildProcess(
            emacs,
            ["--batch", "-Q", "-l", Executables.packageRoot + "/editors/emacs/qdb.el", "-l", Self.folder + "/gud-test.el"],
            environment: [
                "HOME": home, "QDB_TEST_MODE": mode, "QDB_CLI": try Executables.path(of: "qdb-cli"),
                "QDB_TEST_PROGRAM": Self.program,
            ].merging(environment) { $1 },
            directory: home)
        // gud-test.el gives up by itself after 120 s.
        let status = process.waitForExit(timeout: 180)
        let report = "stdout:\n\(process.standardOutput)\nstderr:\n\(process.standardError)"
        #expect(status == 0, "emacs exited with \(status.map(String.init) ?? "nothing, killed after 180 s"); \(report)")
        #expect(process.standardOutput.contains("qdb-test: ok "), "\(report)")
    }
}
