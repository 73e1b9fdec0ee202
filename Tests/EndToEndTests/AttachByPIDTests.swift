#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QdbTestSupport
import Testing

/// `qdb-cli attach --pid`: the real client attaches to a python program it
/// did not start (gdb below 3.14, sys.remote_exec from 3.14 on), debugs it,
/// and leaves it running untraced.
@Suite(.serialized) struct AttachByPIDTests {
    static let waiting = WaitingProgram.script

    func attach(_ pid: pid_t, home: String) throws -> PseudoTerminal {
        try PseudoTerminal(
            executable: try Executables.path(of: "qdb-cli"), arguments: ["attach", "--pid", String(pid)],
            environment: ["HOME": home, "TERM": "xterm", "PATH": "/usr/bin:/bin"])
    }

    /// It stops in the program's own code and shows its stack; a variable
    /// is read; it continues to a breakpoint; after `quit` it runs on
    /// untraced with its own signal handler, can be attached again, and
    /// exits with its own code.
    @Test func debugsARunningProgramAndLeavesItRunning() throws {
        let program = try WaitingProgram(importsQdb: true)
        let terminal = try attach(program.pid, home: program.directory)
        let file = Self.waiting
        // The client may prompt before the program stops.
        try terminal.waitFor("> \(file)(", timeout: .seconds(60))
        terminal.type("w\r")
        try terminal.waitFor("\(file)(1")
        try terminal.waitFor(")<module>()\n")
        terminal.type("tbreak \(file):16\r")
        try terminal.waitFor("Breakpoint 1 at \(file):16\n")
        terminal.type("c\r")
        try terminal.waitFor("> \(file)(16)<module>()\n-> rounds += 1\n")
        terminal.type("p rounds > 0, stop_file\r")
        try terminal.waitFor("(True, '\(program.stopFile)')\n")
        terminal.type("quit\r")
        try terminal.waitFor("Disabled, goodbye.\n")
        #expect(try terminal.waitForExit() == 0)
        #expect(program.process.isRunning, "the program runs on after quit")
        // Its own SIGUSR2 handler, which qdb's pause signal would replace.
        program.process.send(signal: SIGUSR2)
        _ = try program.process.waitForOutput(onStandardError: false) { $0.contains("usr2\n") ? true : nil }

        // Attaching again works the same.
        let again = try attach(program.pid, home: program.directory)
        try again.waitFor("> \(file)(", timeout: .seconds(60))
        again.type("p rounds > 1\r")
        try again.waitFor("True\n")
        again.type("quit\r")
        #expect(try again.waitForExit() == 0)
        #expect(program.finish() == 3)
        #expect(program.process.standardOutput.hasSuffix("done after True\n"), "its output is its own again")
    }

    /// qdb-dap's `attach` with `processId`: the same, for an editor; its
    /// `disconnect` leaves the program running untraced.
    @Test func anEditorAttachesByProcessID() throws {
        let program = try WaitingProgram(importsQdb: true)
        let client = try DAPTestClient()
        try client.succeed("initialize", ["adapterID": "qdb"])
        #expect(try client.request("attach", ["processId": "x"])["message"] == "attach: \"processId\" must be a process id")
        try client.succeed("attach", ["processId": .string(String(program.pid))])
        try client.succeed("configurationDone")
        #expect(try client.event("stopped")["reason"] == "pause")
        let stack = try client.succeed("stackTrace", ["threadId": 1])["stackFrames"]?.arrayValue ?? []
        #expect(stack.last?["name"] == "<module>")
        #expect(stack.last?["source"]?["path"] == .string(Self.waiting))
        let value = try client.succeed(
            "evaluate", ["expression": "rounds > 0", "frameId": stack.last?["id"] ?? 0, "context": "repl"])
        #expect(value["result"] == "True")
        try client.succeed("disconnect")
        #expect(try client.waitForClose())
        #expect(program.process.isRunning, "the program runs on after disconnect")
        #expect(program.finish() == 3)
        #expect(program.process.standardOutput.hasSuffix("done after True\n"))
    }

    /// A program whose python cannot import qdb is told so, and runs on.
    @Test func explainsAProgramWithoutQdb() throws {
        let program = try WaitingProgram(importsQdb: false)
        let terminal = try attach(program.pid, home: program.directory)
        try terminal.waitFor("qdb-cli: cannot attach to process \(program.pid): its python (", timeout: .seconds(60))
        try terminal.waitFor("cannot import qdb (No module named 'qdb'): install qdb for it")
        #expect(try terminal.waitForExit() == 1)
        #expect(program.finish() == 3)
    }

    /// No process, and a process that is not python, are refused at once.
    @Test func refusesWhatIsNotAPythonProcess() throws {
        let directory = try makeScratchDirectory("qdb-attach-test")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sleeper = try ChildProcess("/bin/sleep", ["30"])
        defer { sleeper.kill() }
        let terminal = try attach(sleeper.pid, home: directory)
        try terminal.waitFor("qdb-cli: cannot attach to process \(sleeper.pid): ")
        try terminal.waitFor("sleep is not CPython")
        #expect(try terminal.waitForExit() == 1)
        sleeper.kill()
        let gone = try attach(sleeper.pid, home: directory)
        try gone.waitFor("qdb-cli: cannot attach to process \(sleeper.pid): no such process")
        #expect(try gone.waitForExit() == 1)
    }

    /// A process of another user is refused with what to do, before any
    /// ptrace: qdb-cli run as `nobody`, then as root without
    /// CAP_SYS_PTRACE (as in a container), by setpriv.
    @Test(.enabled(if: getuid() == 0 && (try? Executables.searchPath(for: "setpriv")) != nil, "needs root and setpriv"))
    func explainsAProcessOfAnotherUser() throws {
        let directory = try makeScratchDirectory("qdb-attach-test")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let setpriv = try Executables.searchPath(for: "setpriv")
        let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups"]
        func attach(_ pid: pid_t, as privileges: [String]) throws -> PseudoTerminal {
            try PseudoTerminal(
                executable: setpriv,
                arguments: privileges + [try Executables.path(of: "qdb-cli"), "attach", "--pid", String(pid)],
                environment: ["HOME": directory, "TERM": "xterm", "PATH": "/usr/bin:/bin"])
        }
        let rootsSleeper = try ChildProcess("/bin/sleep", ["30"])
        defer { rootsSleeper.kill() }
        let nobody = try attach(rootsSleeper.pid, as: asNobody)
        try nobody.waitFor(
            "qdb-cli: cannot attach to process \(rootsSleeper.pid): it belongs to another user; attach as that user, or as root")
        #expect(try nobody.waitForExit() == 1)

        let nobodysSleeper = try ChildProcess(setpriv, asNobody + ["/bin/sleep", "30"])
        defer { nobodysSleeper.kill() }
        let contained = try attach(nobodysSleeper.pid, as: ["--bounding-set=-sys_ptrace", "--inh-caps=-sys_ptrace"])
        try contained.waitFor("qdb-cli: cannot attach to process \(nobodysSleeper.pid): it belongs to another user, ")
        try contained.waitFor("runs without CAP_SYS_PTRACE, which a container drops unless given it")
        #expect(try contained.waitForExit() == 1)
    }
}

/// Tests/EndToEndTests/ClientFixtures/waiting.py under the tested python,
/// in a scratch folder, looping until `finish`; killed, and its folder
/// removed, with this object.
final class WaitingProgram {
    static let script = Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/waiting.py"
    let directory: String
    /// The file whose existence ends the program's loop.
    let stopFile: String
    let process: ChildProcess

    /// `importsQdb` puts the qdb package on the program's path.
    init(importsQdb: Bool) throws {
        directory = try makeScratchDirectory("qdb-attach-test")
        stopFile = directory + "/stop"
        do {
            var environment: [String: String] = [:]
            if importsQdb {
                let extensionModule = try #require(
                    Executables.extensionModule, "build the _qdb extension first: make extension")
                environment["PYTHONPATH"] = try Executables.installedPackage(extensionModule, in: directory)
            }
            let python = try Executables.python()
            // -S: no site-packages, where an installed qdb might be.
            process = try ChildProcess(
                python.contains("/") ? python : try Executables.searchPath(for: python), ["-S", Self.script, stopFile],
                environment: environment)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        _ = try process.waitForOutput(onStandardError: false) { $0.contains("ready\n") ? true : nil }
    }

    var pid: pid_t { process.pid }

    /// Ends the program's loop; its exit code, nil if it does not exit.
    func finish() -> Int32? {
        guard FileManager.default.createFile(atPath: stopFile, contents: nil) else { return nil }
        return process.waitForExit(timeout: 20)
    }

    deinit {
        process.kill()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
