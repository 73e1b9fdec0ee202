import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A process a test started: its output is collected as it comes, every
/// wait has a timeout, and it is killed (by its pid, never by name) when
/// the test lets go of it.
///
/// Started with `posix_spawn` rather than Foundation's `Process`, so that
/// the child gets default signal handling and an empty signal mask: the
/// threads of a test runner block signals, and a child inheriting that
/// mask would ignore the very signals tests send it.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `exitStatus` is only touched under `lock`; the output
    // buffers lock themselves.
    public let pid: pid_t
    private let output = OutputBuffer()
    private let errorOutput = OutputBuffer()
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`; `environment` entries are
    /// added to this process's environment. Standard input reads
    /// `inputFile` (default /dev/null); `directory` is its working directory.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        inputFile: String = "/dev/null", directory: String? = nil
    ) throws {
        var outputPipe: [Int32] = [0, 0]
        var errorPipe: [Int32] = [0, 0]
        guard pipe(&outputPipe) == 0, pipe(&errorPipe) == 0 else { throw TestSupportError.system("pipe", errno: errno) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputFile, O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errorPipe[1], 2)
        for descriptor in outputPipe + errorPipe {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }

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

        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        // Glibc's posix_spawn_file_actions_addchdir_np is not visible to
        // Swift: coreutils' `env -C` changes directory instead.
        let (executable, arguments) = directory.map { ("/usr/bin/env", ["-C", $0, executable] + arguments) }
            ?? (executable, arguments)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(outputPipe[1])
        close(errorPipe[1])
        guard result == 0 else {
            close(outputPipe[0])
            close(errorPipe[0])
            throw TestSupportError.system("posix_spawn \(executable)", errno: result)
        }
        self.pid = pid
        output.collect(from: outputPipe[0])
        errorOutput.collect(from: errorPipe[0])
    }

    deinit {
        kill()
    }

    /// Standard output so far.
    public var standardOutput: String { output.text }

    /// Standard error so far.
    public var standardError: String { errorOutput.text }

    public var isRunning: Bool { reap() == nil }

    /// Waits until standard error (or output) has text for which `extract`
    /// returns a value, and returns it.
    public func waitForOutput<Value>(
        onStandardError: Bool = true, timeout: Double = 10, _ extract: (String) -> Value?
    ) throws -> Value {
        var value: Value?
        let exitedOrFound = waitUntil(timeout: timeout) {
            value = extract(onStandardError ? standardError : standardOutput)
            return value != nil || !isRunning
        }
        if let value = value ?? extract(onStandardError ? standardError : standardOutput) {
            return value
        }
        throw TestSupportError.timedOut(
            exitedOrFound ? "the process exited first; stderr: \(standardError)" : "output; stderr so far: \(standardError)")
    }

    /// Sends `signal` to the process, if it is still running.
    public func send(signal: Int32) {
        if isRunning {
            Glibc.kill(pid, signal)
        }
    }

    /// Waits for the process to exit; returns its exit status, or the
    /// signal number when a signal ended it; nil on timeout.
    /// Once it returns a status, all the output is collected too (unless
    /// a process the child started still holds its pipes).
    @discardableResult
    public func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Deadline(seconds: timeout)
        guard waitUntil(timeout: timeout, { !isRunning }), let status = reap() else { return nil }
        _ = waitUntil(timeout: Double(deadline.remainingMilliseconds) / 1000 + 1) {
            output.isComplete && errorOutput.isComplete
        }
        return status & 0x7F == 0 ? (status >> 8) & 0xFF : status & 0x7F
    }

    /// True when the process exited by itself rather than by a signal.
    public var exitedNormally: Bool {
        guard let status = reap() else { return false }
        return status & 0x7F == 0
    }

    /// SIGKILL if still running, then reaps it.
    public func kill() {
        guard isRunning else { return }
        Glibc.kill(pid, SIGKILL)
        waitForExit(timeout: 5)
    }

    /// The wait status once the process has exited, nil while it runs.
    private func reap() -> Int32? {
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
}

/// Bytes a child writes to one pipe, read by a thread of their own until
/// the pipe closes.
private final class OutputBuffer: @unchecked Sendable {
    // @unchecked: `data` and `reachedEnd` are only touched under `lock`.
    private let lock = NSLock()
    private var data: [UInt8] = []
    private var reachedEnd = false

    var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// True once the pipe closed: every byte is in.
    var isComplete: Bool { lock.withLock { reachedEnd } }

    func collect(from descriptor: Int32) {
        Thread.detachNewThread {
            var chunk = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptor, &chunk, chunk.count)
                if count <= 0 { break }
                self.lock.withLock { self.data.append(contentsOf: chunk[..<count]) }
            }
            close(descriptor)
            self.lock.withLock { self.reachedEnd = true }
        }
    }
}
