#if canImport(Glibc)
import Glibc
#endif

/// A relay process under measurement: the real `qdb-server`, or the
/// reference relay (`qdb-loadgen reference-relay`), started on ephemeral
/// loopback ports with its log in a file, from which the bound ports are
/// read. Either prints the same "Serving tracers on HOST:PORT" lines.
final class RelayProcess {
    let address: RelayAddress
    /// nil for a running server given by its ports alone.
    let probe: ProcessProbe?
    /// The process and its temporary directory, when this one started it.
    private let child: (pid: pid_t, directory: String)?

    /// Starts `executable arguments --tracer-port 0 --client-port 0 --log
    /// FILE` and waits until both ports are bound.
    init(executable: String, arguments: [String] = []) throws {
        var template = Array("/tmp/qdb-loadgen.XXXXXX".utf8CString)
        guard let directoryPath = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw LoadError("Cannot create a temporary directory: errno \(errno)")
        }
        let directory = String(cString: directoryPath)
        let logPath = directory + "/server.log"
        let pid = try spawn(executable, arguments + ["--tracer-port", "0", "--client-port", "0", "--log", logPath])
        do {
            address = try Self.waitForAddress(in: logPath, of: pid)
        } catch {
            kill(pid, SIGKILL)
            _ = Self.reap(pid, timeout: 5)
            throw error
        }
        probe = ProcessProbe(pid: pid)
        child = (pid, directory)
    }

    /// A relay that is already running; `pid`, if known, gives its memory
    /// and CPU time.
    init(running address: RelayAddress, pid: pid_t?) {
        self.address = address
        probe = pid.map(ProcessProbe.init)
        child = nil
    }

    /// SIGTERM, which ends every session; SIGKILL if that takes longer
    /// than `timeout` seconds. A relay this process did not start is left
    /// running.
    func stop(timeout: Double = 30) {
        guard let (pid, directory) = child else { return }
        kill(pid, SIGTERM)
        if !Self.reap(pid, timeout: timeout) {
            kill(pid, SIGKILL)
            _ = Self.reap(pid, timeout: 5)
        }
        unlink(directory + "/server.log")
        rmdir(directory)
    }

    private static func waitForAddress(in logPath: String, of pid: pid_t) throws -> RelayAddress {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if let log = try? readText(logPath),
               let tracerPort = port(after: "Serving tracers on ", in: log),
               let clientPort = port(after: "Serving clients on ", in: log) {
                return RelayAddress(tracerPort: tracerPort, clientPort: clientPort)
            }
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                throw LoadError("The relay exited (status \(status)) before binding its ports")
            }
            usleep(20_000)
        }
        throw LoadError("The relay did not log its ports within 20 s (see \(logPath))")
    }

    /// The port in the first `HOST:PORT` after `marker`.
    private static func port(after marker: String, in log: String) -> Int? {
        guard let range = log.firstRange(of: marker) else { return nil }
        let address = log[range.upperBound...].prefix { !$0.isWhitespace }
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }

    /// Waits up to `timeout` seconds for the process to exit; true once
    /// it has.
    private static func reap(_ pid: pid_t, timeout: Double) -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        repeat {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid || result < 0 {
                return true
            }
            usleep(10_000)
        } while ContinuousClock.now < deadline
        return false
    }
}

/// Starts `executable` with standard input from /dev/null and this
/// process's standard output and error. The child gets default signal
/// handling and an empty signal mask, whatever this process's threads
/// block.
func spawn(_ executable: String, _ arguments: [String]) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)

    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t()
    sigemptyset(&noSignals)
    var allSignals = sigset_t()
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
    guard result == 0 else { throw LoadError("Cannot start \(executable): errno \(result)") }
    return pid
}

/// The executable named `name` in this executable's directory.
func executableBesideThisOne(_ name: String) throws -> String {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard length > 0 else { throw LoadError("Cannot read /proc/self/exe") }
    let path = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let directory = path[..<(path.lastIndex(of: "/") ?? path.startIndex)]
    let candidate = "\(directory)/\(name)"
    guard access(candidate, X_OK) == 0 else { throw LoadError("No executable \(candidate); build it first") }
    return candidate
}

/// A file's text.
func readText(_ path: String) throws -> String {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw LoadError("Cannot open \(path): errno \(errno)") }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(descriptor, &chunk, chunk.count)
        guard count > 0 else { break }
        bytes.append(contentsOf: chunk[..<count])
    }
    return String(decoding: bytes, as: UTF8.self)
}
