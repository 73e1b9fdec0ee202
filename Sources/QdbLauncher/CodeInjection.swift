#if canImport(Glibc)
import Glibc
#endif
import QdbClientSession

/// Has a running CPython process run the attach script, in its main
/// thread: `sys.remote_exec` (PEP 768) from 3.14 on, run by a python of
/// the process's own version; below that gdb, which attaches, runs the
/// script's file under the GIL, and detaches, as debugpy does.
/// Both need ptrace's permission (the same user, or root, and Yama's and
/// the container's consent), as `pdb -p` does.
enum CodeInjection {
    /// How long gdb may take: reading the symbols, then waiting for the
    /// GIL, which a thread in a long C call may hold.
    static let toolTimeout: Duration = .seconds(60)

    static func run(_ script: AttachScript, in process: PythonProcess) async throws(ClientError) {
        if process.hasRemoteExec, let python = remoteExecPython(for: process) {
            try await remoteExec(script, in: process, python: python)
        } else {
            try await gdb(script, in: process)
        }
    }

    /// The process's own interpreter when it is a `python3.N` (not an
    /// application embedding Python), else `python3.N` on PATH.
    private static func remoteExecPython(for process: PythonProcess) -> String? {
        if process.executable.split(separator: "/").last?.hasPrefix("python") == true,
           access(process.executable, X_OK) == 0 {
            return process.executable
        }
        return try? ExecutableLocator.path(of: "python\(process.version.major).\(process.version.minor)")
    }

    private static func remoteExec(
        _ script: AttachScript, in process: PythonProcess, python: String
    ) async throws(ClientError) {
        let run = try await runTool(
            python, ["-c", "import sys; sys.remote_exec(int(sys.argv[1]), sys.argv[2])", String(process.pid),
                     script.launcherPath],
            pid: process.pid)
        guard run.status != 0 else { return }
        let lastLine = run.output.split(separator: "\n").last.map(String.init) ?? "exit status \(run.status)"
        if lastLine.contains("PermissionError") || lastLine.contains("Operation not permitted") {
            throw .cannotAttach(pid: process.pid, reason: "ptrace is not allowed: " + PythonProcess.ptraceAdvice)
        }
        throw .cannotAttach(pid: process.pid, reason: "sys.remote_exec failed: \(lastLine)")
    }

    private static func gdb(_ script: AttachScript, in process: PythonProcess) async throws(ClientError) {
        let gdb: String
        do {
            gdb = try ExecutableLocator.path(of: "gdb")
        } catch {
            throw .cannotAttach(
                pid: process.pid,
                reason: "attaching to Python \(process.version.major).\(process.version.minor) needs gdb "
                    + "(apt-get install gdb)")
        }
        // The file, not a string: PyRun_SimpleString's `<string>` frame
        // would not be skipped, and its return would stop the program
        // inside gdb's call. `$1` is PyGILState_Ensure's state, `$2`
        // the FILE*; a signal to gdb unwinds the call.
        let path = script.launcherPath
        let commands = [
            "set scheduler-locking off",
            "set unwindonsignal on",
            "call (int)PyGILState_Ensure()",
            "call (void *)fopen(\"\(path)\", \"r\")",
            "call (int)($2 ? PyRun_SimpleFileExFlags($2, \"\(path)\", 1, (void *)0) : -2)",
            "call (void)PyGILState_Release($1)",
            "detach",
        ]
        let run = try await runTool(
            gdb, ["-nx", "-batch", "-iex", "set debuginfod enabled off", "-p", String(process.pid)]
                + commands.flatMap { ["-ex", $0] },
            pid: process.pid)
        if run.output.contains("ptrace: Operation not permitted") {
            throw .cannotAttach(pid: process.pid, reason: "ptrace is not allowed: " + PythonProcess.ptraceAdvice)
        }
        if run.output.contains("$3 = 0") {
            return
        }
        if run.output.contains("$3 = -2") {
            throw .cannotAttach(pid: process.pid, reason: "it cannot read \(path)")
        }
        if run.output.contains("$3 = -1") {
            throw .cannotAttach(
                pid: process.pid, reason: "its python could not run qdb's script (the program's standard error says why)")
        }
        let gdbSays = run.output.split(separator: "\n").filter { !$0.hasPrefix("warning:") }.suffix(3)
        throw .cannotAttach(pid: process.pid, reason: "gdb could not run qdb's script: " + gdbSays.joined(separator: " / "))
    }

    /// Runs a tool to its end (or `toolTimeout`): its exit code, and its
    /// output and errors together.
    private static func runTool(
        _ executable: String, _ arguments: [String], pid: Int32
    ) async throws(ClientError) -> (status: Int32, output: String) {
        let tool: ChildProgram
        do {
            tool = try ChildProgram(executable: executable, arguments: arguments, logsOutput: true)
        } catch {
            throw .cannotAttach(pid: pid, reason: error.description)
        }
        guard let status = await tool.exitCode(within: toolTimeout) else {
            // SIGINT: gdb unwinds its call and detaches; killing it
            // mid-call would kill the program.
            kill(tool.pid, SIGINT)
            await tool.waitForExit()
            throw .cannotAttach(pid: pid, reason: "\(executable) did not finish within \(toolTimeout)")
        }
        return (status, tool.errorText(lines: 200))
    }
}
