#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QdbClientSession

/// The program `qdb-cli run` debugs, as a child process: in a process
/// group of its own (Ctrl-C at the prompt means "pause", and must not
/// reach it as SIGINT), with no terminal (its output reaches the user as
/// `print` events, and its standard error goes to `errorLog` as well, for
/// when it fails before a client could attach), and stopped when the
/// client ends.
final class ChildProgram: @unchecked Sendable {
    let pid: pid_t
    let errorLog: String
    // Guarded by `lock`: the exit watcher and `stop` may both reap.
    private var exitStatus: Int32?
    private let lock = NSLock()

    /// `environment` is added to this process's; `directory` is the
    /// program's working directory (this process's when nil). With
    /// `logsOutput`, standard output goes to `errorLog` too.
    init(
        executable: String, arguments: [String], environment: [String: String] = [:], directory: String? = nil,
        logsOutput: Bool = false
    ) throws(ClientError) {
        var template = Array("/tmp/qdb-run-stderr-XXXXXX".utf8CString)
        let log = mkstemp(&template)
        guard log >= 0 else {
            throw .cannotStartProgram("cannot create a file for the program's errors: \(String(cString: strerror(errno)))")
        }
        close(log)
        errorLog = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorLog, O_WRONLY | O_TRUNC, 0)
        if logsOutput {
            posix_spawn_file_actions_adddup2(&actions, 2, 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // POSIX_SPAWN_SETPGROUP, SETSIGDEF and SETSIGMASK, hidden from
        // Swift by feature macros. This process's threads block most
        // signals, and a child would inherit that mask: gdb, for one,
        // then never hears of its inferior's SIGCHLD and hangs.
        let flags: Int16 = 0x02 | 0x04 | 0x08
        posix_spawnattr_setflags(&attributes, flags)
        posix_spawnattr_setpgroup(&attributes, 0)
        var signals = sigset_t()
        sigemptyset(&signals)
        posix_spawnattr_setsigmask(&attributes, &signals)
        sigfillset(&signals)
        posix_spawnattr_setsigdefault(&attributes, &signals)
        // Glibc's posix_spawn_file_actions_addchdir_np is hidden from
        // Swift by feature macros: coreutils' `env -C` changes directory.
        let command = directory.map { ["/usr/bin/env", "-C", $0, executable] + arguments } ?? [executable] + arguments
        let argv = command.map { strdup($0) } + [nil]
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, command[0], &actions, &attributes, argv, envp)
        guard status == 0 else {
            throw .cannotStartProgram("cannot run \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    deinit {
        unlink(errorLog)
    }

    /// The wait status once the program has exited, nil while it runs.
    var status: Int32? {
        lock.withLock {
            if exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    exitStatus = status
                }
            }
            return exitStatus
        }
    }

    /// The program's exit code once it exits within `timeout` (128 + the
    /// signal's number when a signal ended it, as shells say), else nil.
    func exitCode(within timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while status == nil && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard let status else { return nil }
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    /// Returns once the program has exited (or the task is cancelled).
    func waitForExit() async {
        while status == nil && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// What the program wrote to standard error, its last lines.
    func errorText(lines count: Int = 20) -> String {
        guard let file = fopen(errorLog, "r") else { return "" }
        defer { fclose(file) }
        var lines: [String] = []
        var buffer = [CChar](repeating: 0, count: 4096)
        while fgets(&buffer, Int32(buffer.count), file) != nil {
            lines.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return lines.suffix(count).joined()
    }

    /// Asks the program to stop (SIGTERM), then kills it if it has not
    /// within `grace`; reaps it either way.
    func stop(grace: Duration = .seconds(2)) async {
        guard status == nil else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while status == nil {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                await waitForExit()
                return
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
