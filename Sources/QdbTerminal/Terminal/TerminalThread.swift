#if canImport(Glibc)
import Glibc
#endif
import NIOPosix
import QdbConsole
import Synchronization

/// Owns standard input and output on a thread of its own. libedit is not
/// thread-safe, so everything that touches the terminal happens there: the
/// line reader waits in `waitForInput` for the user's keys, and output
/// posted by other threads is printed above the line being typed meanwhile.
final class TerminalThread: Sendable {
    private struct Inbox {
        var lines: [String] = []
        /// A command finished with nothing to show: the prompt is due.
        var isPromptDue = false
        var isStopping = false
        /// What the next line is asked with, as the console last said; it
        /// changes inside `commands`, `interact` and `cl`'s question.
        var prompt = ConsoleSession.prompt
        var linesDelivered = 0
        var linesHandled = 0
        /// The client took the end of input without ending (Ctrl-D leaves
        /// `interact`): the reader reads on.
        var isInputResumed = false
    }

    /// Why `waitForInput` returned.
    enum Wake {
        case inputReady
        /// Ctrl-C: the reader drops the line being typed and delivers
        /// `.interrupt`.
        case interrupted
        case stopping
        /// After the end of input, the client asks for more (see
        /// `resumeInput`).
        case inputResumed
    }

    private let inbox = Mutex(Inbox())
    private let wakeup = WakeupPipe()
    private let thread = NIOThreadPool(numberOfThreads: 1)
    private let deliverInput: @Sendable (TerminalInput) -> Void

    /// `deliver` receives what the user does, on the terminal thread.
    init(deliver: @escaping @Sendable (TerminalInput) -> Void) {
        deliverInput = deliver
    }

    /// Starts the thread, reading with the reader `makeReader` returns.
    func start(makeReader: @escaping @Sendable () -> any LineReader) {
        thread.start()
        thread.submit { [self] _ in
            SignalForwarding.start(into: wakeup)
            defer { SignalForwarding.stop() }
            var reader = makeReader()
            reader.run(on: self)
        }
    }

    /// Shows lines above the prompt; from any thread.
    func show(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        inbox.withLock { $0.lines += lines }
        wakeup.wake(.inbox)
    }

    /// Has the reader prompt again although nothing is shown; from any
    /// thread.
    func showPrompt() {
        inbox.withLock { $0.isPromptDue = true }
        wakeup.wake(.inbox)
    }

    /// Shows what is still queued, restores the terminal and ends the
    /// thread.
    func stop() async {
        inbox.withLock { $0.isStopping = true }
        wakeup.wake(.inbox)
        try? await thread.shutdownGracefully()
    }

    /// From the client's loop: the end of input just delivered did not end
    /// the session, so the reader goes on reading.
    func resumeInput() {
        inbox.withLock { $0.isInputResumed = true }
        wakeup.wake(.inbox)
    }

    var isStopping: Bool {
        inbox.withLock { $0.isStopping }
    }

    func deliver(_ input: TerminalInput) {
        if case .line = input {
            inbox.withLock { $0.linesDelivered += 1 }
        }
        deliverInput(input)
    }

    /// From the client's loop: it has handled `count` lines in all, and
    /// the next one is asked with `prompt`.
    func setPrompt(_ prompt: String, linesHandled count: Int) {
        inbox.withLock { inbox in
            inbox.prompt = prompt
            inbox.linesHandled = count
        }
    }

    /// The prompt for the next line, once the loop has handled the lines
    /// typed so far (a line can change it), or after a short wait. Polled:
    /// the loop answers within a millisecond or two.
    func nextPrompt() -> String {
        let deadline = ContinuousClock.now + .milliseconds(500)
        while true {
            let (prompt, isCurrent) = inbox.withLock { ($0.prompt, $0.linesHandled >= $0.linesDelivered || $0.isStopping) }
            if isCurrent || ContinuousClock.now > deadline {
                return prompt
            }
            usleep(1_000)
        }
    }

    /// Blocks the terminal thread until standard input is readable (if
    /// `watchingInput`), Ctrl-C is pressed or the terminal stops. Meanwhile
    /// posted output goes to `printAbove`, and SIGTERM or SIGHUP is delivered as the
    /// end of input.
    func waitForInput(watchingInput: Bool, printAbove: ([String]) -> Void) -> Wake {
        while true {
            var descriptors = [
                pollfd(fd: wakeup.readDescriptor, events: Int16(POLLIN), revents: 0),
                pollfd(fd: STDIN_FILENO, events: watchingInput ? Int16(POLLIN) : 0, revents: 0),
            ]
            if poll(&descriptors, nfds_t(descriptors.count), -1) < 0 {
                guard errno == EINTR else { return .stopping }
                continue
            }
            var isInterrupted = false
            for reason in wakeup.drain() {
                switch reason {
                case .inbox: break
                case .interrupt: isInterrupted = true
                case .terminate: deliver(.endOfInput)
                }
            }
            let (lines, isPromptDue, isStopping, isInputResumed) = inbox.withLock { inbox in
                defer { (inbox.lines, inbox.isPromptDue, inbox.isInputResumed) = ([], false, false) }
                return (inbox.lines, inbox.isPromptDue, inbox.isStopping, inbox.isInputResumed)
            }
            if !lines.isEmpty || isPromptDue {
                printAbove(lines)
            }
            if isStopping { return .stopping }
            if isInputResumed { return .inputResumed }
            if isInterrupted { return .interrupted }
            if watchingInput && descriptors[1].revents != 0 { return .inputReady }
        }
    }
}
