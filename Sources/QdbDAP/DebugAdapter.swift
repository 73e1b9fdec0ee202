import QdbClientSession
import QdbProtocol

/// The Debug Adapter Protocol side of a qdb client, with no I/O: the
/// editor's requests and what the session's connection reports go in; DAP
/// messages for the editor, protocol messages for the server, and what the
/// runtime must do (start the program, connect, end) come out.
///
/// Toward qdb it is one more client: a `ClientSession` keeps the model and
/// matches replies, exactly as under qdb-cli. This type only translates:
/// each DAP request becomes qdb commands, and waits (in `waiting`) for the
/// replies that answer them.
public struct DebugAdapter: Sendable {
    public enum Input: Sendable {
        case request(DAPRequest)
        /// Something from the editor that is not a request: the reason.
        case unreadable(String)
        /// The connection to the session is up, after `.launch` or `.attach`.
        case connected(address: String, authMessage: String)
        /// The program could not be started, or the server not reached.
        case startFailed(String)
        case connection(ConnectionEvent)
        /// Once the session ended: the launched program's exit code, nil
        /// when unknown (an attached program runs on).
        case programExited(Int32?)
    }

    public enum Action: Hashable, Sendable {
        case send(DAPOutgoing)
        case sendToServer(Message)
        case launch(LaunchConfiguration)
        case attach(AttachConfiguration)
        /// Leave the session: close the connection. A launched program
        /// is stopped with its session.
        case disconnect
        /// The session is over: find out how the program ended, and say so
        /// with `.programExited`.
        case awaitProgramExit
        /// Nothing more to do.
        case exit
    }

    enum Mode: Hashable, Sendable {
        case launch(stopsOnEntry: Bool)
        /// `ownsSession`: attached by process id, to a private session
        /// that ends with this adapter.
        case attach(ownsSession: Bool)
    }

    enum Start: Hashable, Sendable {
        case notYet
        /// `launch` or `attach` waits for the connection.
        case starting(DAPRequest, Mode)
        case started(Mode)
    }

    /// How the program was last set going, which names a stop that comes
    /// without a reason of its own.
    enum Resumption: Hashable, Sendable {
        case entry, step, `continue`, pause
    }

    /// A DAP request waiting for the reply to one qdb command.
    struct Waiting: Hashable, Sendable {
        enum Purpose: Hashable, Sendable {
            case threads
            case evaluate(context: String?)
            case variables(VariableReferences.Target, start: Int)
            /// An original tracer's fallback: the selected frame's locals.
            case locals
            /// One breakpoint of a `setBreakpoints` batch, by position.
            case breakpoint(batch: Int, index: Int)
        }

        var command: Command
        var request: DAPRequest
        var purpose: Purpose
    }

    var session: ClientSession?
    var start = Start.notYet
    var isConfigured = false
    var isEntryAnnounced = false
    /// The tracer answered `stop_reasons`, sent right after `start`: the
    /// model holds the stop (if any) the program was in when we attached.
    var isAttached = false
    /// Launched without `stopOnEntry`: continue at the first stop.
    var continuesFromEntry = false
    var isDisconnecting = false
    var resumption = Resumption.entry
    /// This adapter resumed the program since the last stop: the editor
    /// knows it runs, and needs no `continued`.
    var resumedHere = false
    /// Whether the tracer has the `stop_reasons` and `variables`
    /// extensions; nil until it says.
    var hasExtensions: Bool?
    var waiting: [Waiting] = []
    var breakpoints = BreakpointBatches()
    var references = VariableReferences()
    /// The threads the editor was told of; the main thread is always there.
    var knownThreads: Set<Int> = [1]
    /// The frame the tracer has selected, counting the moves sent.
    var selectedFrame: Int?

    public init() {}

    public mutating func handle(_ input: Input) -> [Action] {
        switch input {
        case .request(let request):
            return handle(request)
        case .unreadable(let reason):
            return [.send(.response(.failure(DAPRequest(seq: 0, command: "unknown"), "Malformed DAP message: \(reason)")))]
        case .connected(let address, let authMessage):
            return connected(address: address, authMessage: authMessage)
        case .startFailed(let reason):
            guard case .starting(let request, _) = start else { return [] }
            start = .notYet
            return [.send(.response(.failure(request, reason)))]
        case .connection(let event):
            guard var session else { return [] }
            let outputs = session.handle(.connection(event))
            self.session = session
            return perform(outputs)
        case .programExited(let code):
            var actions: [Action] = []
            if case .started(.launch) = start {
                actions.append(.send(.event("exited", body: ["exitCode": JSONValue(Int(code ?? 0))])))
            }
            return actions + [.send(.event("terminated", body: nil)), .exit]
        }
    }

    // MARK: Talking to the session

    /// Sends `command` through the session.
    mutating func request(_ command: Command) -> [Action] {
        guard var session else { return [] }
        let outputs = session.handle(.request(command))
        self.session = session
        return perform(outputs)
    }

    /// Sends `command` for `request`, which waits for its reply.
    mutating func request(_ command: Command, for request: DAPRequest, _ purpose: Waiting.Purpose) -> [Action] {
        waiting.append(Waiting(command: command, request: request, purpose: purpose))
        return self.request(command)
    }

    private mutating func perform(_ outputs: [ClientSession.Output]) -> [Action] {
        outputs.flatMap { output -> [Action] in
            switch output {
            case .send(let message): [.sendToServer(message)]
            case .update(let update): receive(update)
            case .ended(let exit): ended(exit)
            }
        }
    }

    private mutating func connected(address: String, authMessage: String) -> [Action] {
        guard case .starting(let request, let mode) = start else { return [] }
        start = .started(mode)
        var session = ClientSession(address: address, authMessage: authMessage)
        let outputs = session.handle(.connected)
        self.session = session
        // The session asks for stop reasons after `start`: that reply also
        // tells when the reply to `start` is complete.
        return perform(outputs) + [
            .send(.response(.success(request))),
            .send(.event("initialized", body: nil)),
        ]
    }

    var model: SessionModel? { session?.model }

    var isStopped: Bool { model?.phase == .stopped && model?.stack != nil }

    /// The thread the current stop is in: the main thread unless the stack
    /// says otherwise.
    var stoppedThread: Int { model?.stack?.thread?.id ?? 1 }

    /// Moves the tracer's selection to frame `index`, as `up` and `down`.
    mutating func select(frame index: Int) -> [Action] {
        guard let stack = model?.stack else { return [] }
        let current = selectedFrame ?? stack.index
        selectedFrame = index
        let move: Command = index > current ? .down : .up
        return (0..<abs(index - current)).flatMap { _ in request(move) }
    }

    private mutating func ended(_ exit: ClientExit) -> [Action] {
        let failures = waiting.map { Action.send(.response(.failure($0.request, "The debugging session ended"))) }
        waiting = []
        guard !isDisconnecting else { return failures + [.exit] }
        var actions = failures
        if let message = exit.message {
            actions.append(.send(.event("output", body: ["category": "stderr", "output": .string("qdb: \(message)\n")])))
        }
        return actions + [.awaitProgramExit]
    }
}
