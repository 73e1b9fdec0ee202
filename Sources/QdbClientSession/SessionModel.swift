import QdbProtocol

/// What a client knows of its session, as the tracer last told it. Every
/// front end reads the same model: `ClientSession` keeps it up to date.
public struct SessionModel: Hashable, Sendable {
    public enum Phase: Hashable, Sendable {
        /// Connected; no stop seen yet.
        case attaching
        /// At a stop: commands act on `stack`'s selected frame.
        case stopped
        /// The program moved on (step, continue, ...) and no stop came
        /// since: this client moved it, or the tracer said so (`running`,
        /// with `stop_reasons` on). Otherwise the original protocol does
        /// not say when another client moves it, and the phase stays
        /// `stopped` until the next stop.
        case running
        case ended(ClientExit)
    }

    /// Whether the tracer has qdb's breakpoint extensions (numbered
    /// breakpoints) or is an original qdb tracer, as far as its answers
    /// have told.
    public enum TracerKind: Hashable, Sendable {
        case unknown, extended, original
    }

    public internal(set) var phase = Phase.attaching
    /// The last stop's stack, with its selected frame and (for a program
    /// with several threads) its thread.
    public internal(set) var stack: Stack?
    public internal(set) var watchlist: [WatchEntry] = []
    /// The numbered breakpoints, by number, as the tracer last told.
    public internal(set) var breakpoints: [NumberedBreakpoint] = []
    /// The breakpoints as the original protocol lists them, in reply to
    /// `start`.
    public internal(set) var originalBreakpoints: [BreakpointInfo] = []
    /// The threads, as the last `threads` reply listed them.
    public internal(set) var threads: [ThreadSummary] = []
    /// The exception classes `catch` stops at (`Event.anyException` for all).
    public internal(set) var catches: [String] = []
    /// `stop_all_threads`, once the tracer said.
    public internal(set) var stopsAllThreads: Bool?
    public internal(set) var tracerKind = TracerKind.unknown

    public init() {}

    /// The frame commands act on.
    public var selectedFrame: StackFrame? { stack?.selectedFrame }

    public var isEnded: Bool {
        if case .ended = phase { return true }
        return false
    }

    /// Takes in what `event` tells of the session.
    mutating func apply(_ event: Event) {
        switch event {
        case .stack(let stack):
            self.stack = stack
            phase = .stopped
        case .watchlist(let entries):
            watchlist = entries
        case .breakpoints(let list):
            originalBreakpoints = list
        case .breaks(let list):
            breakpoints = list
        case .breakChanged(let change):
            breakpoints.removeAll { $0.number == change.breakpoint.number }
            if change.action != .deleted {
                breakpoints.append(change.breakpoint)
                breakpoints.sort { $0.number < $1.number }
            }
        case .threads(let list):
            threads = list
        case .catches(let names):
            catches = names
        case .stopAllThreads(let on):
            stopsAllThreads = on
        case .running:
            if phase == .stopped {
                phase = .running
            }
        default:
            break
        }
    }
}
