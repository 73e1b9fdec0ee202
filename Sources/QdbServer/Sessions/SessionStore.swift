import QdbProtocol

/// The server's rules as a state machine: events in, actions out.
///
/// The store knows every open connection and every session. It never
/// touches a socket and never reads the clock: the network layer
/// (`SessionDriver`) reports each event with the time, then carries out the
/// actions in order. So every rule of the protocol can be tested without
/// sockets and with a fake clock.
///
/// Connections start out awaiting their `start`; a valid one attaches them
/// to the session their uuid names (created on demand). Sessions relay
/// messages between their tracer and clients (`Session`); the store
/// decides who gets in, when time runs out and when a session ends.
struct SessionStore {
    /// What the store knows about a connection.
    enum Role: Equatable {
        case tracerAwaitingStart(isLoopback: Bool)
        case clientAwaitingStart(uuid: String)
        case tracer(uuid: String)
        case client(uuid: String)
    }

    let configuration: ServerConfiguration
    let tracerToken: AccessToken?
    let clientToken: AccessToken?
    /// nil when each side may wait for the other forever.
    let attachTimeout: Duration?

    var connections: [ConnectionID: Role] = [:]
    var sessions: [String: Session] = [:]
    var authDeadlines = DeadlineQueue() {
        didSet { updateNextDeadline() }
    }
    var attachDeadlines = DeadlineQueue() {
        didSet { updateNextDeadline() }
    }
    var nextSweep: ContinuousClock.Instant? {
        didSet { updateNextDeadline() }
    }
    var isShutDown = false
    /// When the store next needs a `.clockAdvanced`, if ever. Kept rather
    /// than computed when asked: the driver asks after every event, most
    /// events (relayed messages) change no deadline, and reading a computed
    /// property of the store from the driver copied the whole store.
    private(set) var nextDeadline: ContinuousClock.Instant?

    init(configuration: ServerConfiguration, now: ContinuousClock.Instant) {
        self.configuration = configuration
        tracerToken = configuration.tracerAuthToken.map(AccessToken.init)
        clientToken = configuration.clientAuthToken.map(AccessToken.init)
        attachTimeout = configuration.attachTimeout.flatMap { $0 > .zero ? $0 : nil }
        if configuration.inactivityTimeout != nil {
            nextSweep = now + configuration.sweepInterval
        }
        updateNextDeadline()  // `didSet` does not run in an initialiser
    }

    private mutating func updateNextDeadline() {
        nextDeadline = earliest(earliest(authDeadlines.next, attachDeadlines.next), nextSweep)
    }

    private func earliest(_ first: ContinuousClock.Instant?, _ second: ContinuousClock.Instant?)
        -> ContinuousClock.Instant? {
        guard let first, let second else { return first ?? second }
        return min(first, second)
    }

    /// Applies one event, appending what to do to `actions`.
    mutating func handle(_ event: SessionEvent, at now: ContinuousClock.Instant, into actions: inout [SessionAction]) {
        switch event {
        case .tracerConnected(let id, let isLoopback):
            connect(id, as: .tracerAwaitingStart(isLoopback: isLoopback), at: now, into: &actions)
        case .tracerSent(let id, let message, let byteCount):
            tracerSent(id, message, byteCount: byteCount, at: now, into: &actions)
        case .tracerSentMalformed(let id, let error):
            tracerSentMalformed(id, error, into: &actions)
        case .tracerSentBadFrame(let id, let error):
            tracerSentBadFrame(id, error, into: &actions)
        case .clientConnected(let id, let uuid):
            connect(id, as: .clientAwaitingStart(uuid: uuid), at: now, into: &actions)
        case .clientSent(let id, let message, let byteCount):
            clientSent(id, message, byteCount: byteCount, at: now, into: &actions)
        case .clientSentMalformed(let id, let reason):
            clientSentMalformed(id, reason: reason, into: &actions)
        case .disconnected(let id):
            disconnected(id, into: &actions)
        case .writabilityChanged(let id, let isWritable):
            writabilityChanged(id, isWritable: isWritable, into: &actions)
        case .clockAdvanced:
            expireDeadlines(at: now, into: &actions)
        case .shutdown:
            shutDown(into: &actions)
        }
    }

    private mutating func connect(
        _ id: ConnectionID, as role: Role, at now: ContinuousClock.Instant, into actions: inout [SessionAction]
    ) {
        guard !isShutDown else {
            actions.append(.close(id))
            return
        }
        connections[id] = role
        authDeadlines.add(id, dueAt: now + configuration.authTimeout)
    }

    private mutating func disconnected(_ id: ConnectionID, into actions: inout [SessionAction]) {
        switch connections.removeValue(forKey: id) {
        case .tracer(let uuid):
            endSession(uuid, because: .tracerDisconnected, into: &actions)
        case .client(let uuid):
            detachClient(id, from: uuid, into: &actions)
        case .tracerAwaitingStart, .clientAwaitingStart, nil:
            break
        }
    }

    private mutating func writabilityChanged(_ id: ConnectionID, isWritable: Bool, into actions: inout [SessionAction]) {
        switch connections[id] {
        case .tracer(let uuid), .client(let uuid):
            sessions[uuid]?.setWritable(id, isWritable, into: &actions)
        case .tracerAwaitingStart, .clientAwaitingStart, nil:
            break
        }
    }

    // MARK: Sessions

    /// Runs `body` on the session for `uuid`, creating it if needed, in
    /// place (the session's buffers are not copied).
    mutating func withSession<Result>(
        _ uuid: String, at now: ContinuousClock.Instant, _ body: (inout Session) -> Result
    ) -> Result {
        let newSession = Session(uuid: uuid, bufferCapacity: configuration.maximumMessageBytes, now: now)
        return body(&sessions[uuid, default: newSession])
    }

    mutating func detachClient(_ id: ConnectionID, from uuid: String, into actions: inout [SessionAction]) {
        guard sessions[uuid] != nil else { return }
        sessions[uuid]?.detachClient(id, into: &actions)
        let remaining = sessions[uuid]?.clients.count ?? 0
        if sessions[uuid]?.isEmpty == true {
            sessions[uuid] = nil
        }
        actions.append(.report(.clientDetached(uuid: uuid, clientCount: remaining)))
    }

    mutating func endSession(_ uuid: String, because reason: SessionEndReason, into actions: inout [SessionAction]) {
        guard let session = sessions.removeValue(forKey: uuid) else { return }
        session.end(because: reason, timeoutDisableMode: configuration.timeoutDisableMode, into: &actions)
        for client in session.clients {
            connections[client] = nil
        }
        if let tracer = session.tracer {
            connections[tracer.id] = nil
        }
        actions.append(.report(.sessionEnded(uuid: uuid, reason)))
    }

    /// Sends a connection away with `messages` and a close.
    mutating func dismiss(
        _ id: ConnectionID, with messages: [Message], reason: String, into actions: inout [SessionAction]
    ) {
        connections[id] = nil
        for message in messages {
            actions.append(.send(message, to: id))
        }
        actions.append(.close(id))
        actions.append(.report(.rejected(id, reason: reason)))
    }

    private mutating func shutDown(into actions: inout [SessionAction]) {
        isShutDown = true
        for uuid in sessions.keys.sorted() {
            endSession(uuid, because: .shutdown, into: &actions)
        }
        for id in connections.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            actions.append(.close(id))
        }
        connections = [:]
    }
}
