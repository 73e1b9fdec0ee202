import Foundation

/// A process a test started: its output is collected as it comes, every
/// wait has a timeout, and it is killed (by its pid, never by name) when
/// the test lets go of it.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `output` and `errorOutput` are only touched under `lock`;
    // `process` is configured before `run()` and then only queried.
    private let process = Process()
    private let lock = NSLock()
    private var output = Data()
    private var errorOutput = Data()

    /// Starts `executable` with `arguments`; `environment` entries are
    /// added to this process's environment.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:],
        currentDirectory: String? = nil
    ) throws {
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let currentDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        }
        let outputPipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = outputPipe
        process.standardError = errorPipe
        process.standardInput = FileHandle.nullDevice
        outputPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            self?.append(handle.availableData, error: false)
        }
        errorPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            self?.append(handle.availableData, error: true)
        }
        try process.run()
    }

    deinit {
        kill()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// Standard output so far.
    public var standardOutput: String {
        lock.withLock { String(decoding: output, as: UTF8.self) }
    }

    /// Standard error so far.
    public var standardError: String {
        lock.withLock { String(decoding: errorOutput, as: UTF8.self) }
    }

    private func append(_ data: Data, error: Bool) {
        lock.withLock {
            if error {
                errorOutput.append(data)
            } else {
                output.append(data)
            }
        }
    }

    /// Waits until standard error (or output) has text for which `extract`
    /// returns a value, and returns it.
    public func waitForOutput<Value>(
        onStandardError: Bool = true, timeout: Double = 10, _ extract: (String) -> Value?
    ) throws -> Value {
        var value: Value?
        let found = waitUntil(timeout: timeout) {
            value = extract(onStandardError ? standardError : standardOutput)
            return value != nil || !isRunning
        }
        if let value = value ?? extract(onStandardError ? standardError : standardOutput) {
            return value
        }
        throw TestSupportError.timedOut(
            found ? "the process exited first; stderr: \(standardError)" : "output; stderr so far: \(standardError)")
    }

    /// Sends `signal` to the process.
    public func send(signal: Int32) {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, signal)
        }
    }

    /// Waits for the process to exit; returns its exit status (or the
    /// signal number for a process killed by a signal), nil on timeout.
    @discardableResult
    public func waitForExit(timeout: Double = 10) -> Int32? {
        guard waitUntil(timeout: timeout, { !process.isRunning }) else { return nil }
        return process.terminationStatus
    }

    /// True when the process exited by itself rather than by a signal.
    public var exitedNormally: Bool {
        !process.isRunning && process.terminationReason == .exit
    }

    /// SIGKILL if still running, then reaps it.
    public func kill() {
        guard process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        waitForExit(timeout: 5)
    }
}
