#if canImport(Glibc)
import Glibc
#endif
import NIOPosix
import Synchronization

/// Owns standard input and output on a thread of its own. libedit is not
/// thread-safe, so everything that touches the terminal happens there: it
/// waits in `poll` for the user's keys and for output posted by other
/// threads, and prints that output above the line being typed.
public final class TerminalThread: Sendable {
    private struct Inbox {
        var lines: [String] = []
        var isStopping = false
    }

    private let inbox = Mutex(Inbox())
    private let wakeup = WakeupPipe()
    private let thread = NIOThreadPool(numberOfThreads: 1)

    public init() {}

    /// Starts the thread: the reader made by `makeReader` reads the user's
    /// lines, and every input goes to `deliver` (on the terminal thread).
    func start(
        makeReader: @escaping @Sendable () -> any LineReader,
        deliver: @escaping @Sendable (TerminalInput) -> Void
    ) {
        thread.start()
        thread.submit { [self] _ in
            var reader = makeReader()
            run(&reader, deliver: deliver)
        }
    }

    /// Shows lines above the prompt; from any thread.
    public func show(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        inbox.withLock { $0.lines += lines }
        wakeup.wake(.inbox)
    }

    /// Shows what is still queued, restores the terminal and ends the
    /// thread.
    public func stop() async {
        inbox.withLock { $0.isStopping = true }
        wakeup.wake(.inbox)
        try? await thread.shutdownGracefully()
    }

    private func run(_ reader: inout any LineReader, deliver: (TerminalInput) -> Void) {
        SignalForwarding.start(into: wakeup)
        defer { SignalForwarding.stop() }
        reader.begin()
        defer { reader.end() }
        var isReadingInput = true
        while true {
            var descriptors = [
                pollfd(fd: wakeup.readDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: STDIN_FILENO, events: isReadingInput ? Int16(POLLIN) : 0, revents: 0),
            ]
            guard poll(&descriptors, nfds_t(descriptors.count), -1) >= 0 || errno == EINTR else { return }
            if descriptors[0].revents != 0 {
                for reason in wakeup.drain() {
                    switch reason {
                    case .inbox: break
                    case .interrupt:
                        reader.discardLine()
                        deliver(.interrupt)
                    case .terminate:
                        deliver(.endOfInput)
                    }
                }
                let (lines, isStopping) = inbox.withLock { inbox in
                    defer { inbox.lines = [] }
                    return (inbox.lines, inbox.isStopping)
                }
                if !lines.isEmpty {
                    reader.printAbove(lines)
                }
                if isStopping { return }
            }
            if isReadingInput, descriptors[1].revents != 0 {
                for input in reader.readAvailable() {
                    deliver(input)
                    if input == .endOfInput {
                        // Nothing more will come; a closed pipe would keep
                        // poll returning at once.
                        isReadingInput = false
                    }
                }
            }
        }
    }
}
