#if canImport(Glibc)
import Glibc
#endif

/// The program `qdb-cli run` debugs, as a child process: in a process
/// group of its own (Ctrl-C at the prompt means "pause", and must not
/// reach it as SIGINT), with no terminal (its output reaches the user as
/// `print` events), and stopped when the client ends.
final class ChildProgram {
    let pid: pid_t
    private var isReaped = false

    init(executable: String, arguments: [String]) throws(ClientError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in [0, 1, 2] {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let newProcessGroup: Int16 = 0x02  // POSIX_SPAWN_SETPGROUP, hidden from Swift by feature macros
        posix_spawnattr_setflags(&attributes, newProcessGroup)
        posix_spawnattr_setpgroup(&attributes, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw .cannotStartProgram("cannot run \(executable): \(String(cString: strerror(status)))")
        }
        self.pid = pid
    }

    /// Asks the program to stop (SIGTERM), then kills it if it has not
    /// within `grace`; reaps it either way.
    func stop(grace: Duration = .seconds(2)) async {
        guard !isReaped else { return }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        var status: Int32 = 0
        while waitpid(pid, &status, WNOHANG) == 0 {
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                waitpid(pid, &status, 0)
                break
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        isReaped = true
    }
}
