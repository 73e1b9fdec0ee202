import QdbProtocol

/// One debugging session: at most one tracer and any number of clients,
/// under one uuid. It relays messages both ways and holds them while the
/// other side is missing; the store around it decides who gets in and
/// when a session ends.
struct Session {
    let uuid: String
    private(set) var tracer: AttachedTracer?
    /// Clients that sent a valid `start`, in the order they did.
    private(set) var clients: [ConnectionID] = []
    /// The last message either way, or the last attach.
    private(set) var lastActivity: ContinuousClock.Instant
    private var backlog: TracerBacklog
    private var pendingCommands: CommandQueue
    /// Clients whose outgoing buffer is full.
    private var stalledClients: [ConnectionID] = []
    /// Whether the clients are being read, as last told to the network.
    private var clientsAreReading = true

    init(uuid: String, bufferCapacity: Int, now: ContinuousClock.Instant) {
        self.uuid = uuid
        self.lastActivity = now
        self.backlog = TracerBacklog(capacity: bufferCapacity)
        self.pendingCommands = CommandQueue(capacity: bufferCapacity)
    }

    var isEmpty: Bool { tracer == nil && clients.isEmpty }

    mutating func attachTracer(
        _ id: ConnectionID, localProcess: LocalProcess?, at now: ContinuousClock.Instant,
        into actions: inout [SessionAction]
    ) {
        let tracer = AttachedTracer(id: id, localProcess: localProcess, isAwaitingClient: clients.isEmpty)
        self.tracer = tracer
        lastActivity = now
        for entry in pendingCommands.removeAll() {
            forward(entry.message, to: tracer, into: &actions)
        }
        updateFlowControl(into: &actions)
    }

    /// Attaches a client whose `start` passed; the start goes to the
    /// tracer (now or when it comes), which answers every client with
    /// breakpoints, watchlist and stack.
    mutating func attachClient(
        _ id: ConnectionID, start: Message, byteCount: Int, at now: ContinuousClock.Instant,
        into actions: inout [SessionAction]
    ) {
        clients.append(id)
        tracer?.isAwaitingClient = false
        if !backlog.isEmpty {
            let (messages, droppedPrintCount) = backlog.removeAll()
            if droppedPrintCount > 0 {
                actions.append(.report(.printsDropped(uuid: uuid, count: droppedPrintCount)))
            }
            for message in messages {
                actions.append(.send(message, to: id))
            }
        }
        if !clientsAreReading {
            actions.append(.setReading(id, false))
        }
        relayFromClient(id, start, byteCount: byteCount, at: now, into: &actions)
        updateFlowControl(into: &actions)
    }

    /// Removes a client that left or was sent away; the tracer is told
    /// nothing.
    mutating func detachClient(_ id: ConnectionID, into actions: inout [SessionAction]) {
        clients.removeAll { $0 == id }
        stalledClients.removeAll { $0 == id }
        pendingCommands.removeAll(from: id)
        updateFlowControl(into: &actions)
    }

    /// A tracer message goes to every client, or waits for the first one.
    mutating func relayFromTracer(
        _ message: Message, byteCount: Int, at now: ContinuousClock.Instant, into actions: inout [SessionAction]
    ) {
        lastActivity = now
        if clients.isEmpty {
            backlog.append(message, byteCount: byteCount)
            updateFlowControl(into: &actions)
        } else {
            actions.append(.broadcast(message, to: clients))
        }
    }

    /// A client message goes to the tracer, or waits for it.
    mutating func relayFromClient(
        _ sender: ConnectionID, _ message: Message, byteCount: Int, at now: ContinuousClock.Instant,
        into actions: inout [SessionAction]
    ) {
        lastActivity = now
        if let tracer {
            forward(message, to: tracer, into: &actions)
        } else {
            pendingCommands.append(message, from: sender, byteCount: byteCount)
            updateFlowControl(into: &actions)
        }
    }

    /// `pause` for a tracer on this machine is a signal, which reaches the
    /// program even when it runs untraced; anything else is forwarded.
    private func forward(_ message: Message, to tracer: AttachedTracer, into actions: inout [SessionAction]) {
        if message.name == "pause", let process = tracer.localProcess {
            actions.append(.signal(pid: process.pid, signal: process.signal))
        } else {
            actions.append(.send(message, to: tracer.id))
        }
    }

    mutating func setWritable(_ id: ConnectionID, _ isWritable: Bool, into actions: inout [SessionAction]) {
        if tracer?.id == id {
            tracer?.isWritable = isWritable
        } else if isWritable {
            stalledClients.removeAll { $0 == id }
        } else if clients.contains(id), !stalledClients.contains(id) {
            stalledClients.append(id)
        }
        updateFlowControl(into: &actions)
    }

    /// Reading follows the slowest reader, so that no buffer grows without
    /// bound. The tracer is read while what it sends can go somewhere: to
    /// clients that keep up, or into a backlog with room. Clients are read
    /// while the tracer keeps up or, with no tracer, the queue has room.
    private mutating func updateFlowControl(into actions: inout [SessionAction]) {
        if let tracer {
            let tracerShouldRead = clients.isEmpty ? !backlog.isOverCapacity : stalledClients.isEmpty
            if tracerShouldRead != tracer.isReading {
                self.tracer?.isReading = tracerShouldRead
                actions.append(.setReading(tracer.id, tracerShouldRead))
                if !tracerShouldRead && clients.isEmpty {
                    actions.append(.report(.backlogFull(uuid: uuid)))
                }
            }
        }
        let clientsShouldRead = tracer?.isWritable ?? !pendingCommands.isOverCapacity
        if clientsShouldRead != clientsAreReading {
            clientsAreReading = clientsShouldRead
            for client in clients {
                actions.append(.setReading(client, clientsShouldRead))
            }
        }
    }

    /// Says goodbye to everyone: each client gets the reason's error if it
    /// has one, `disable` (p null) and a close; the tracer, unless it is
    /// gone, gets `disable` with the mode and a close.
    func end(because reason: SessionEndReason, timeoutDisableMode: DisableMode, into actions: inout [SessionAction]) {
        let clientError: ErrorInfo? = switch reason {
        case .tracerDisconnected: ErrorInfo(type: "socket", ServerErrorText.tracerDisconnected)
        case .tracerSentMalformed(let error): error
        case .tracerDisabled, .noClient, .inactivity, .shutdown: nil
        }
        for client in clients {
            if let clientError {
                actions.append(.send(.error(clientError), to: client))
            }
            actions.append(.send(.clientDisable, to: client))
            actions.append(.close(client))
        }
        guard let tracer, reason != .tracerDisconnected else { return }
        if reason == .noClient {
            actions.append(.send(.error("client", ServerErrorText.noClient), to: tracer.id))
        }
        let mode: DisableMode = reason == .noClient || reason == .inactivity ? timeoutDisableMode : .soft
        actions.append(.send(.tracerDisable(mode), to: tracer.id))
        actions.append(.close(tracer.id))
    }
}

/// The tracer of a session.
struct AttachedTracer {
    let id: ConnectionID
    /// Set when the server pauses this tracer by signal.
    let localProcess: LocalProcess?
    /// True until the first client attaches; the attach timeout runs
    /// meanwhile.
    var isAwaitingClient: Bool
    var isWritable = true
    /// Whether it is being read, as last told to the network.
    var isReading = true
}

/// A tracer's process on this machine and the signal that pauses it.
struct LocalProcess: Equatable, Sendable {
    var pid: Int32
    var signal: Int32
}
