import QdbProtocol

/// One client's side of a debugging session, with no I/O, in the style of
/// the server's `SessionStore`: requests from a front end and what the
/// connection reports go in; messages to send, updates (each event with the
/// request of ours it answers) and the session's end come out. The model
/// it keeps is what every front end (terminal, editor adapter, web page)
/// reads.
///
/// It also carries what a client must know of the peers: an original qdb
/// tracer answers an extension with "Command NAME does not exist", after
/// which breakpoints go the original's way (`set_break`, `clear_break`).
public struct ClientSession: Sendable {
    public enum Input: Hashable, Sendable {
        /// The connection to the server is up: attach with `start`, and ask
        /// for `stop_reasons` (an original tracer refuses it; front ends
        /// then infer why the program stopped).
        case connected
        /// A request of the front end (`disable` ends the session).
        case request(Command)
        case connection(ConnectionEvent)
        /// The front end stops waiting for the server to confirm a quit:
        /// its deadline passed, or the user insisted.
        case abandonQuit
    }

    public enum Output: Hashable, Sendable {
        case send(Message)
        case update(Update)
        /// The session is over; nothing comes out after this.
        case ended(ClientExit)
    }

    /// What a front end shows.
    public enum Update: Hashable, Sendable {
        /// A message from the tracer or the server, after the model took it
        /// in, with the request of ours it answers (nil when nothing of
        /// ours waited for it: a stop, output, another client's reply).
        case event(Event, answering: Command?)
        /// The tracer does not know this extension (an original qdb
        /// tracer); `request` is ours when we sent it.
        case unsupported(name: String, request: Command?)
        /// The tracer turned out to be an original qdb tracer: breakpoints
        /// are set and cleared the original's way from now on, unnumbered.
        case originalTracer
        /// A frame that is not a protocol message: the reason.
        case unreadableFrame(String)
    }

    public private(set) var model = SessionModel()
    private var pending = PendingRequests()
    /// `disable` was sent: the end the server confirms is a normal one.
    private var isQuitting = false
    /// The last message, when it was an error that ends sessions: the
    /// reason the session ended if `disable` or the close comes next. Only
    /// `event` errors (also a tracer's reply to an unknown command) are
    /// shown at once; the others wait to see whether the session ends.
    private var endingError: (error: ErrorInfo, isShown: Bool)?
    private let address: String
    private let authMessage: String

    /// The error kinds the server sends just before it ends a session it
    /// will not (or can no longer) serve.
    private static let endingErrorTypes: Set<String> = ["auth", "tracer", "socket", "event"]

    /// Whether the tracer answers `command` (or the stop it leads to
    /// does): a front end that prompts after each command's output knows
    /// the command is done when it sent only requests that get no answer.
    public static func expectsReply(_ command: Command) -> Bool {
        PendingRequests.expectsReply(command)
    }

    /// `address` names the server in a lost connection's message;
    /// `authMessage` is the payload of `start`, checked by the server.
    public init(address: String, authMessage: String = "") {
        self.address = address
        self.authMessage = authMessage
    }

    public mutating func handle(_ input: Input) -> [Output] {
        guard !model.isEnded else { return [] }
        switch input {
        case .connected:
            return [.send(Command.start(.string(authMessage)).message)] + request(.stopReasons(true))
        case .request(let command):
            return request(command)
        case .connection(.message(let message)):
            return receive(Event(message), named: message.name)
        case .connection(.unreadableFrame(let reason)):
            return [.update(.unreadableFrame(reason))]
        case .connection(.closed):
            if isQuitting {
                return end(.sessionOver)
            }
            if let (error, _) = endingError {
                return end(.failed(Self.failure(for: error)))
            }
            return end(.failed(.connectionLost(address: address)))
        case .abandonQuit:
            return isQuitting ? end(.quitUnconfirmed) : []
        }
    }

    // MARK: Requests

    private mutating func request(_ command: Command) -> [Output] {
        let command = model.tracerKind == .original ? Self.originalForm(of: command) ?? command : command
        switch command {
        case .disable:
            isQuitting = true
        case .step, .next, .until, .return, .continue, .jump:
            if model.phase == .stopped {
                model.phase = .running
            }
        default:
            break
        }
        pending.append(command)
        return [.send(command.message)]
    }

    /// How an original tracer takes a request it has no name for: a
    /// breakpoint set, or cleared by place (clearing by number has no
    /// original form); a block of `interact`, evaluated in the frame.
    private static func originalForm(of command: Command) -> Command? {
        switch command {
        case .addBreak(let breakpoint): .setBreak(breakpoint)
        case .deleteBreak(let place) where place.objectValue != nil: .clearBreak(place)
        case .interact(let block): .eval(block["source"] ?? .null)
        default: nil
        }
    }

    // MARK: Events

    private mutating func receive(_ event: Event, named name: String?) -> [Output] {
        if case .disable = event {
            if let (error, _) = endingError {
                return end(.failed(Self.failure(for: error)))
            }
            model.apply(event)
            return [.update(.event(event, answering: nil))] + end(.sessionOver)
        }
        var outputs: [Output] = []
        if let (error, isShown) = endingError, !isShown {
            outputs.append(.update(.event(.error(error), answering: nil)))
        }
        endingError = nil
        if case .error(let error) = event, Self.endingErrorTypes.contains(error.type) {
            let isShown = error.type == "event"
            endingError = (error, isShown)
            if !isShown {
                return outputs
            }
        }
        let answered = name.flatMap { pending.take(answeredBy: event, named: $0) }
        noteTracerKind(from: event)
        if case .error(let error) = event, let name = error.unknownCommand, Command.extensionNames.contains(name) {
            return outputs + refused(name, request: answered)
        }
        model.apply(event)
        return outputs + [.update(.event(event, answering: answered))]
    }

    /// An extension the tracer does not know. A request with an original
    /// form is sent again that way.
    private mutating func refused(_ name: String, request: Command?) -> [Output] {
        guard let request, let original = Self.originalForm(of: request) else {
            return [.update(.unsupported(name: name, request: request))]
        }
        let isNews = model.tracerKind != .original
        model.tracerKind = .original
        pending.append(original)
        return (isNews ? [.update(.originalTracer)] : []) + [.send(original.message)]
    }

    /// A reply only our tracer sends, about numbered breakpoints, tells
    /// that it has the extensions.
    private mutating func noteTracerKind(from event: Event) {
        switch event {
        case .breaks, .breakChanged:
            model.tracerKind = .extended
        case .error(let error) where ["add_break", "delete_break", "update_break"].contains(error.type):
            model.tracerKind = .extended
        default:
            break
        }
    }

    private static func failure(for error: ErrorInfo) -> ClientError {
        let text = error.data.stringValue ?? error.data.serialized()
        return error.type == "auth" ? .authenticationRefused(text) : .sessionEnded(text)
    }

    private mutating func end(_ exit: ClientExit) -> [Output] {
        model.phase = .ended(exit)
        pending.removeAll()
        return [.ended(exit)]
    }
}
