import QdbClientSession
import QdbConsole
import QdbProtocol

/// The terminal client's life, with no I/O: what the user types and what
/// the server sends go in, what to show, what to send and when to stop come
/// out. The console session inside parses and renders, over the client
/// session every front end shares; this adds what only a terminal has:
/// Ctrl-C, the quit deadline, and `restart`.
struct ClientStateMachine {
    enum Input: Hashable, Sendable {
        /// The connection is up: attach, then send these settings.
        case connected(settings: [Command])
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
        /// A typed command is done and showed nothing: a terminal that
        /// prompts after output prompts again, as pdb does after every
        /// command.
        case commandDone
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

    private(set) var state = State.attached
    private(set) var console: ConsoleSession
    /// Whether `run`/`restart` can start the program again: only for
    /// `qdb-cli run`, which started it.
    let canRestart: Bool

    init(address: String, authMessage: String = "", canRestart: Bool = false) {
        console = ConsoleSession(address: address, authMessage: authMessage)
        self.canRestart = canRestart
    }

    mutating func handle(_ input: Input) -> [Output] {
        guard state != .finished else { return [] }
        switch input {
        case .connected(let settings):
            return forward(.connected) + settings.flatMap { forward(.request($0)) }
        case .line(let line):
            return Self.markingQuietCommands(perform(console.interpret(line)))
        case .endOfInput:
            return perform(console.interpretEndOfInput())
        case .interrupt:
            // A second Ctrl-C while the quit is pending leaves at once.
            return state == .quitting ? forward(.abandonQuit) : forward(.request(.pause(.null)))
        case .connection(let event):
            return forward(.connection(event))
        case .quitDeadlinePassed:
            return forward(.abandonQuit)
        }
    }

    private mutating func perform(_ action: ConsoleAction) -> [Output] {
        switch action {
        case .send(let command):
            return forward(.request(command))
        case .sendAll(let commands):
            return commands.flatMap { forward(.request($0)) }
        case .restart(let arguments):
            guard canRestart else {
                return [.show([.error("run", "only a program started by qdb-cli run can be started again")])]
            }
            state = .finished
            return [.finish(.restart(arguments: arguments, breakpoints: console.knownBreakpoints))]
        case .quit(let mode):
            state = .quitting
            return forward(.request(mode.command)) + [.startQuitDeadline]
        case .show(let lines):
            return [.show(lines)]
        case .error(let line):
            return [.show([line])]
        case .none:
            return []
        }
    }

    /// A command that shows nothing and waits for no reply is done at once.
    private static func markingQuietCommands(_ outputs: [Output]) -> [Output] {
        let isAnswered = outputs.contains { output in
            switch output {
            case .show, .commandDone, .finish: true
            case .send(let message): ClientSession.expectsReply(Command(message))
            case .startQuitDeadline: true
            }
        }
        return isAnswered ? outputs : outputs + [.commandDone]
    }

    private mutating func forward(_ input: ClientSession.Input) -> [Output] {
        console.handle(input).map { output in
            switch output {
            case .show(let lines): return .show(lines)
            case .quietReply: return .commandDone
            case .send(let message): return .send(message)
            case .ended(let exit):
                state = .finished
                return .finish(exit)
            }
        }
    }
}
