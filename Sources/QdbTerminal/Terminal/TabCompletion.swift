#if canImport(Glibc)
import Glibc
#endif
import QdbConsole
import QdbProtocol
import Synchronization

/// What Tab completes: a command name at the start of the line, otherwise
/// a name in the stopped frame, which only the tracer knows; after `b`,
/// also the program's files, which only the tracer can see. The line
/// editor asks on the terminal thread and waits briefly for the tracer's
/// `completions`, which the client's loop hands over with `receive`.
final class TabCompletion: Sendable {
    /// How long Tab waits for the tracer: long enough for a loopback or
    /// LAN round trip, short enough that a slow link never stalls typing.
    static let patience: Duration = .milliseconds(500)

    private struct State {
        /// The text asked about, until its answer comes.
        var asked: String?
        var answer: [String]?
        /// Cleared when the tracer says it cannot complete (an original
        /// qdb tracer): Tab then completes command names only.
        var tracerCompletes = true
    }

    private let state = Mutex(State())
    private let ask: @Sendable (Command) -> Void

    /// `ask` sends the tracer a `complete` request.
    init(ask: @escaping @Sendable (Command) -> Void) {
        self.ask = ask
    }

    /// The completions of `text`, the word being typed after `lineStart`.
    func matches(for text: String, after lineStart: String) -> [String] {
        if lineStart.allSatisfy(\.isWhitespace) {
            return ConsoleSession.commandNames.filter { $0.hasPrefix(text) }
        }
        let asks = state.withLock { state in
            guard state.tracerCompletes else { return false }
            state.asked = text
            state.answer = nil
            return true
        }
        guard asks else { return [] }
        let locations = ConsoleSession.completesLocation(after: lineStart)
        ask(.complete(locations ? ["text": .string(text), "locations": true] : .string(text)))
        // Polled: the answer comes on another thread, and this wait is rare
        // and short (a key press).
        let deadline = ContinuousClock.now + Self.patience
        while ContinuousClock.now < deadline {
            if let answer = state.withLock({ $0.answer }) {
                return answer
            }
            usleep(5_000)
        }
        state.withLock { $0.asked = nil }
        return []
    }

    /// Takes what concerns Tab from the tracer's events: the answer, if it
    /// is the one waited for (the tracer sends every client's answers to
    /// all of them), or a tracer's word that it cannot complete.
    func hear(_ event: Event) {
        state.withLock { state in
            switch event {
            case .completions(let completions) where state.asked == completions.text:
                state.answer = completions.matches
                state.asked = nil
            case .error(let error) where error.unknownCommand == "complete":
                state.tracerCompletes = false
                state.answer = []
            default:
                break
            }
        }
    }
}
