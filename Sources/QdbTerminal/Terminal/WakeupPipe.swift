#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A pipe that wakes the terminal thread out of `poll`: other threads have
/// output for it, or a signal arrived. Each byte says why.
final class WakeupPipe: Sendable {
    enum Reason: UInt8 {
        case inbox = 1
        case interrupt = 2
        case terminate = 3
    }

    let readDescriptor: Int32
    let writeDescriptor: Int32

    init() {
        var descriptors: [Int32] = [-1, -1]
        // Non-blocking: a signal handler must never block on a full pipe;
        // one pending byte per reason is enough.
        guard pipe(&descriptors) == 0 else {
            fatalError("pipe failed: errno \(errno)")
        }
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
    }

    deinit {
        close(readDescriptor)
        close(writeDescriptor)
    }

    func wake(_ reason: Reason) {
        Self.write(reason, to: writeDescriptor)
    }

    /// Async-signal-safe: only `write(2)`.
    static func write(_ reason: Reason, to descriptor: Int32) {
        var byte = reason.rawValue
        _ = Glibc.write(descriptor, &byte, 1)
    }

    /// Reads every pending byte and returns the reasons, in order.
    func drain() -> [Reason] {
        var reasons: [Reason] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(readDescriptor, &buffer, buffer.count)
            guard count > 0 else { return reasons }
            reasons += buffer[..<count].compactMap(Reason.init(rawValue:))
        }
    }
}

/// Turns SIGINT, and SIGTERM and SIGHUP (which end the session as Ctrl-D
/// does, so that `qdb-cli run` still stops its program), into wake-ups of
/// the terminal thread while it runs. A signal handler can capture nothing, so the pipe's descriptor
/// lives in this global.
enum SignalForwarding {
    private static let descriptor = Atomic<Int32>(-1)

    private static let handler: @convention(c) (Int32) -> Void = { signal in
        let descriptor = SignalForwarding.descriptor.load(ordering: .relaxed)
        guard descriptor >= 0 else { return }
        WakeupPipe.write(signal == SIGINT ? .interrupt : .terminate, to: descriptor)
    }

    static func start(into pipe: WakeupPipe) {
        descriptor.store(pipe.writeDescriptor, ordering: .relaxed)
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, handler)
        }
    }

    static func stop() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_DFL)
        }
        descriptor.store(-1, ordering: .relaxed)
    }
}
