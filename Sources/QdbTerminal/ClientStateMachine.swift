import QdbClientSession
import QdbConsole
import QdbProtocol

/// The client's life, with no I/O: what the user types and what the server
/// sends go in, what to show, what to send and when to stop come out. The
/// console session inside does the parsing and rendering; this adds the
/// session's ending: quitting, and telling a normal end from a refusal or a
/// lost server.
struct ClientStateMachine {
    enum Input: Hashable, Sendable {
        case line(String)
        case endOfInput
        /// Ctrl-C at the prompt.
        case interrupt
        case connection(ConnectionEvent)
        /// `quitDeadline` passed since the user quit.
        case quitDeadlinePassed
    }

    enum Output: Hashable, Sendable {
        case show([ConsoleLine])
        case send(Message)
        /// Feed `quitDeadlinePassed` back after `quitDeadline`.
        case startQuitDeadline
        case finish(ClientExit)
    }

    enum State: Hashable, Sendable {
        case attached
        /// `disable` was sent; waiting for the server to end the session.
        case quitting
        case finished
    }

    /// How long to wait for the server to end the session after a quit.
    static let quitDeadline: Duration = .seconds(5)

    /// The error kinds the server sends just before it ends a session it
    /// will not (or can no longer) serve. `event` is also the tracer's reply
    /// to an unknown command, so it is shown at once; the others are held
    /// back, to become the client's one-line error.
    private static let endingErrorTypes: Set<String> = ["auth", "tracer", "socket", "event"]

    private(set) var state = State.attached
    private(set) var console = ConsoleSession()
    let address: String
    /// Whether `run`/`restart` can start the program again: only for
    /// `qdb-cli run`, which started it.
    let canRestart: Bool

    /// The last message, when it was an ending error: the reason the
    /// session ended if `disable` or the close comes next.
    private var endingError: (error: ErrorInfo, isShown: Bool)?

    init(address: String, canRestart: Bool = false) {
        self.address = address
        self.canRestart = canRestart
    }

    mutating func handle(_ input: Input) -> [Output] {
        guard state != .finished else { return [] }
        switch input {
        case .line(let line):
            return perform(console.interpret(line))
        case .endOfInput:
            return perform(console.interpretEndOfInput())
        case .interrupt:
            // A second Ctrl-C while the quit is pending leaves at once.
            return state == .quitting ? finish(.quitUnconfirmed) : [.send(Command.pause(.null).message)]
        case .connection(.message(let message)):
            return receive(Event(message))
        case .connection(.unreadableFrame(let reason)):
            return [.show([.error("unreadable message from the server", reason)])]
        case .connection(.closed):
            if state == .quitting {
                return finish(.sessionOver)
            }
            if let (error, _) = endingError {
                return finish(.failed(Self.failure(for: error)))
            }
            return finish(.failed(.connectionLost(address: address)))
        case .quitDeadlinePassed:
            return state == .quitting ? finish(.quitUnconfirmed) : []
        }
    }

    private mutating func perform(_ action: ConsoleAction) -> [Output] {
        switch action {
        case .send(let command):
            return [.send(command.message)]
        case .sendAll(let commands):
            return commands.map { .send($0.message) }
        case .restart(let arguments):
            guard canRestart else {
                return [.show([.error("run", "only a program started by qdb-cli run can be started again")])]
            }
            return finish(.restart(arguments: arguments, breakpoints: console.knownBreakpoints))
        case .quit(let mode):
            state = .quitting
            return [.send(mode.command.message), .startQuitDeadline]
        case .show(let lines):
            return [.show(lines)]
        case .error(let line):
            return [.show([line])]
        case .none:
            return []
        }
    }

    private mutating func receive(_ event: Event) -> [Output] {
        if case .disable = event {
            if let (error, _) = endingError {
                return finish(.failed(Self.failure(for: error)))
            }
            return [.show(console.render(event))] + finish(.sessionOver)
        }
        var lines: [ConsoleLine] = []
        if let (error, isShown) = endingError, !isShown {
            lines += console.render(.error(error))
        }
        endingError = nil
        if case .error(let error) = event, Self.endingErrorTypes.contains(error.type) {
            let isShown = error.type == "event"
            endingError = (error, isShown)
            if !isShown {
                return lines.isEmpty ? [] : [.show(lines)]
            }
        }
        lines += console.render(event)
        let followUps = console.takeFollowUps().map { Output.send($0.message) }
        return (lines.isEmpty ? [] : [.show(lines)]) + followUps
    }

    private static func failure(for error: ErrorInfo) -> ClientError {
        let text = error.data.stringValue ?? error.data.serialized()
        return error.type == "auth" ? .authenticationRefused(text) : .sessionEnded(text)
    }

    private mutating func finish(_ exit: ClientExit) -> [Output] {
        state = .finished
        let remaining = console.flush()
        return (remaining.isEmpty ? [] : [.show(remaining)]) + [.finish(exit)]
    }
}
