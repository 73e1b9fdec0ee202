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
    static let breakpoints = Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/breakpoints.py"
    static let project = Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/pytest_project"
    /// pytest and what it needs, which `make deps` installs.
    static let testSite = ProcessInfo.processInfo.environment["QDB_TEST_SITE"]

    /// A session id of this run alone (it names the transcript file).
    static func uniqueUUID() -> String {
        "run-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    func launch(
        _ script: String, uuid: String, options: [String] = [], arguments: [String] = [],
        environment: [String: String] = [:]
    ) throws -> PseudoTerminal {
        var template = Array("/tmp/qdb-cli-run-XXXXXX".utf8CString)
        let home = String(cString: mkdtemp(&template))
        let terminal = try PseudoTerminal(
            executable: try Executables.path(of: "qdb-cli"),
            arguments: ["run", "-u", uuid] + options + [script] + arguments,
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

    /// `run -m MODULE ARGS` runs a package's `__main__` as `python -m`
    /// does: sys.argv[0] is its file, sys.path[0] the working directory.
    @Test func runsAModuleAsPythonDashMDoes() throws {
        let uuid = Self.uniqueUUID()
        defer { unlink("/tmp/qdb/.\(uuid)") }
        let main = Self.project + "/probe/__main__.py"
        let terminal = try launch(
            "probe", uuid: uuid, options: ["-m"], arguments: ["x", "-y"],
            environment: ["PYTHONPATH": Self.project, "PYTHONDONTWRITEBYTECODE": "1"])
        try terminal.waitFor("> \(main)(1)<module>()\n-> import sys\n")
        terminal.type("c\r")
        try terminal.waitFor("argv ['\(main)', 'x', '-y']\n")
        try terminal.waitFor("path0 \(FileManager.default.currentDirectoryPath)\n")
        try terminal.waitFor("main __main__ probe probe.__main__\n")
        #expect(try terminal.waitForExit() == 0)
    }

    /// `run -m pytest`: pytest's own first line stops (it is the program,
    /// though library code), a breakpoint in the code under test is hit,
    /// `catch` stops at a failing test's assert, and pytest then reports
    /// the failure as usual.
    @Test(.enabled(if: testSite != nil, "no pytest: run the tests with make test"))
    func debugsPytestRunAsAModule() throws {
        let site = try #require(Self.testSite)
        let uuid = Self.uniqueUUID()
        defer { unlink("/tmp/qdb/.\(uuid)") }
        let terminal = try launch(
            "pytest", uuid: uuid, options: ["-m"],
            arguments: ["-q", "-p", "no:cacheprovider", Self.project + "/test_calc.py"],
            environment: ["PYTHONPATH": site, "PYTHONDONTWRITEBYTECODE": "1"])
        try terminal.waitFor("> \(site)/pytest/__main__.py(1)<module>()\n")
        terminal.type("b \(Self.project)/calc.py:2\r")
        try terminal.waitFor("Breakpoint 1 at \(Self.project)/calc.py:2\n")
        terminal.type("c\r")
        try terminal.waitFor("> \(Self.project)/calc.py(2)double()\n-> result = n * 2\n")
        terminal.type("p n\r")
        try terminal.waitFor("(qdb) p n\n2\n")
        terminal.type("cl 1\r")
        terminal.type("catch AssertionError\r")
        try terminal.waitFor("catching: AssertionError\n")
        terminal.type("c\r")
        try terminal.waitFor("> \(Self.project)/test_calc.py(10)test_broken()\n-> assert value == 7\n")
        terminal.type("c\r")
        try terminal.waitFor("E       assert 6 == 7\n")
        try terminal.waitFor("1 failed, 1 passed")
        #expect(try terminal.waitForExit() == 0)
    }

    /// `interact` runs blocks with continuation prompts and leaves on
    /// Ctrl-D; Tab completes commands and the frame's names; `restart`
    /// runs the program again with new arguments and the same breakpoints.
    @Test func interactsCompletesAndRestarts() throws {
        let uuid = Self.uniqueUUID()
        defer { unlink("/tmp/qdb/.\(uuid)") }
        let file = Self.breakpoints
        let terminal = try launch(file, uuid: uuid, arguments: ["first"])
        try terminal.waitFor("> \(file)(1)<module>()\n")
        terminal.type("b 2\r")
        try terminal.waitFor("Breakpoint 1 at \(file):2\n")
        terminal.type("c\r")
        try terminal.waitFor("> \(file)(2)square()\n")

        // As in pdb, one namespace: what it defines sees what it assigned,
        // and the frame's variables stay as they were.
        terminal.type("interact\r")
        try terminal.waitFor("*interactive*\n")
        terminal.type("total = n + 40\r")
        terminal.type("def twice():\r")
        try terminal.waitFor("... ")
        terminal.type("    return total * 2\r")
        terminal.type("\r")
        terminal.type("print(twice())\r")
        try terminal.waitFor("80\n")
        terminal.type("\u{04}")
        try terminal.waitFor("now exiting InteractiveConsole...\n")
        terminal.type("p n, 'total' in dir()\r")
        try terminal.waitFor("(0, False)\n")

        terminal.type("whati\t")
        try terminal.waitFor("(qdb) whatis")
        terminal.type(" squ\t")
        try terminal.waitFor("whatis square")
        terminal.type("\r")
        try terminal.waitFor("Function square\n")

        // After `b`, the program's files too, as pdb completes them: a
        // folder ends with `/`, a Python file with `:`.
        terminal.type("b \(Executables.packageRoot)/Tests/EndToEndTests/ClientFix\t")
        try terminal.waitFor("/ClientFixtures/")
        terminal.type("brea\t")
        try terminal.waitFor("b \(file):")
        terminal.type("3\r")
        try terminal.waitFor("Breakpoint 2 at \(file):3\n")

        terminal.type("restart second\r")
        try terminal.waitFor("Restarting \(file) with arguments:\n\tsecond\n")
        try terminal.waitFor("> \(file)(1)<module>()\n", count: 2)
        terminal.type("p __import__('sys').argv\r")
        try terminal.waitFor("['\(file)', 'second']\n")
        terminal.type("c\r")
        try terminal.waitFor("> \(file)(2)square()\n", count: 2)
        terminal.type("q\r")
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
