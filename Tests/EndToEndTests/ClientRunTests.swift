#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QdbTestSupport
import Testing

/// `qdb-cli run script.py`: the real client, an in-process server and the
/// real tracer (`qdb-python`) on the seed's example and ClientFixtures.
@Suite(.serialized) struct ClientRunTests {
    static let example = Executables.packageRoot + "/examples/qdb_test.py"
    static let loop = Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/loop.py"
    static let crash = Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/crash.py"

    /// A session id of this run alone (it names the transcript file).
    static func uniqueUUID() -> String {
        "run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    func launch(
        _ script: String, uuid: String, options: [String] = [], environment: [String: String] = [:]
    ) throws -> PseudoTerminal {
        var template = Array("/tmp/qdb-cli-run-XXXXXX".utf8CString)
        let home = String(cString: mkdtemp(&template))
        let terminal = try PseudoTerminal(
            executable: try Executables.path(of: "qdb-cli"),
            arguments: ["run", "-u", uuid] + options + [script],
            environment: ["HOME": home, "TERM": "xterm", "PATH": "/usr/bin:/bin"].merging(environment) { $1 })
        terminal.scratchDirectory = home
        return terminal
    }

    /// `--python`: the interpreter under test with the `_qdb` extension
    /// instead of qdb-python; an uncaught exception stops post mortem.
    @Test func runsUnderAGivenPythonAndStopsPostMortem() throws {
        let extensionModule = try #require(
            Executables.extensionModule, "build the _qdb extension first: make extension")
        var template = Array("/tmp/qdb-cli-site-XXXXXX".utf8CString)
        let directory = String(cString: mkdtemp(&template))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let site = try Executables.installedPackage(extensionModule, in: directory)
        let uuid = Self.uniqueUUID()
        defer { unlink("/tmp/qdb/.\(uuid)") }
        let file = Self.crash
        let terminal = try launch(
            file, uuid: uuid, options: ["--python", try Executables.python()], environment: ["PYTHONPATH": site])
        try terminal.waitFor("> \(file)(1)<module>()\n")
        terminal.type("c\r")
        try terminal.waitFor("> \(file)(2)divide()\n-> return a / b\n--* ZeroDivisionError: division by zero\n")
        terminal.type("p b\r")
        try terminal.waitFor("(qdb) p b\n0\n")
        terminal.type("c\r")
        try terminal.waitFor("ZeroDivisionError: division by zero\nDisabled, goodbye.\n")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func stepsThroughTheExampleAndQuitsHard() throws {
        let uuid = Self.uniqueUUID()
        defer { unlink("/tmp/qdb/.\(uuid)") }
        let file = Self.example
        let terminal = try launch(file, uuid: uuid)
        try terminal.waitFor("> \(file)(1)<module>()\n")
        for (command, line) in [("n", 4), ("n", 9), ("n", 22), ("s", 23)] {
            terminal.type(command + "\r")
            try terminal.waitFor("> \(file)(\(line))<module>()\n")
        }
        terminal.type("n\r")
        try terminal.waitFor("> \(file)(16)main()\n-> mutable_object = {}\n(qdb) ")
        terminal.type("watch mutable_object\r")
        try terminal.waitFor("  > *** error: mutable_object: NameError: name 'mutable_object' is not defined\n")
        terminal.type("n\r")
        try terminal.waitFor("  > mutable_object: {}\n]\n> \(file)(17)main()\n")
        terminal.type("1 + 1\r")
        try terminal.waitFor("(qdb) 1 + 1\n2\n")
        terminal.type("b 19\r")
        terminal.type("c\r")
        try terminal.waitFor("Hello world!\n")
        try terminal.waitFor("> \(file)(19)main()\n-> print(mutable_object)\n(qdb) ")
        terminal.type("q hard\r")
        #expect(try terminal.waitForExit() == 0)
        let screen = try terminal.waitFor("Disabled, goodbye.\n")
        #expect(!screen.contains("\n{}\n"), "quitting hard stops the program before it prints")
        let transcript = try readFile("/tmp/qdb/.\(uuid)")
        #expect(transcript.contains("(qdb) b 19") && transcript.contains("-> print(mutable_object)"))
    }

    @Test func pausesALoopingProgramAndQuitsSoft() throws {
        let uuid = Self.uniqueUUID()
        defer { unlink("/tmp/qdb/.\(uuid)") }
        let file = Self.loop
        let terminal = try launch(file, uuid: uuid)
        try terminal.waitFor("-> import time\n(qdb) ")
        // Where the program stops once the loop is over.
        terminal.type("tbreak \(file):7\r")
        try terminal.waitFor("Breakpoint 1 at \(file):7\n")
        terminal.type("c\r")
        try terminal.waitFor("(qdb) c\n(qdb) ")
        // A pause that reaches the tracer before the program runs again is
        // a no-op, so press Ctrl-C until the program stops.
        try terminal.retry(until: "^C\n> \(file)(") {
            terminal.type("\u{03}")
        }
        terminal.type("running = False\r")
        terminal.type("c\r")
        try terminal.waitFor("> \(file)(7)<module>()\n-> print('stopped after', count > 0)\n")
        terminal.type("\u{04}")
        #expect(try terminal.waitForExit() == 0)
        try terminal.waitFor("Disabled, goodbye.\n")
    }
}
