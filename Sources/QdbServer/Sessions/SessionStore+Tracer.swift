import QdbProtocol

/// The tracer's side: its start, its messages, its mistakes.
extension SessionStore {
    mutating func tracerSent(
        _ id: ConnectionID, _ message: Message, byteCount: Int, at now: ContinuousClock.Instant,
        into actions: inout [SessionAction]
    ) {
        switch connections[id] {
        case .tracerAwaitingStart(let isLoopback):
            startTracer(id, message, isLoopback: isLoopback, at: now, into: &actions)
        case .tracer(let uuid):
            if message.name == "disabled" {
                endSession(uuid, because: .tracerDisabled, into: &actions)
            } else {
                sessions[uuid]?.relayFromTracer(message, byteCount: byteCount, at: now, into: &actions)
            }
        case .clientAwaitingStart, .client, nil:
            break
        }
    }

    /// Checks a tracer's first message in the original's order (event,
    /// `local`, `uuid`, auth), then that its session has no tracer yet: a
    /// second program claiming a uuid in use is turned away rather than
    /// allowed to take over the clients.
    private mutating func startTracer(
        _ id: ConnectionID, _ message: Message, isLoopback: Bool, at now: ContinuousClock.Instant,
        into actions: inout [SessionAction]
    ) {
        let start: TracerStart
        do {
            start = try TracerStart(validating: message)
        } catch {
            rejectTracer(id, error.description, into: &actions)
            return
        }
        guard tracerToken.accepts(start.auth) else {
            rejectTracer(id, ServerErrorText.authenticationFailed, into: &actions)
            return
        }
        guard sessions[start.uuid]?.tracer == nil else {
            rejectTracer(id, ServerErrorText.tracerAlreadyAttached(start.uuid), into: &actions)
            return
        }
        // `local` is a claim: only a tracer on this machine can make the
        // server send a signal, and only to a single process.
        let localProcess = start.isLocal && isLoopback
            ? LocalProcess(pid: start.pid, signal: start.pauseSignal) : nil
        connections[id] = .tracer(uuid: start.uuid)
        let isAlone = withSession(start.uuid, at: now) { session in
            session.attachTracer(id, localProcess: localProcess, at: now, into: &actions)
            return session.clients.isEmpty
        }
        if isAlone, let attachTimeout {
            attachDeadlines.add(id, dueAt: now + attachTimeout)
        }
        actions.append(.report(.tracerAttached(uuid: start.uuid, isLocal: localProcess != nil)))
    }

    private mutating func rejectTracer(_ id: ConnectionID, _ reason: String, into actions: inout [SessionAction]) {
        dismiss(id, with: [.error("auth", reason)], reason: reason, into: &actions)
    }

    /// Invalid JSON is a `socket` error for the clients, JSON that is no
    /// message an `event` error; either way the session is over. Before a
    /// valid start, it is simply not a start.
    mutating func tracerSentMalformed(_ id: ConnectionID, _ error: MessageError, into actions: inout [SessionAction]) {
        switch connections[id] {
        case .tracerAwaitingStart:
            rejectTracer(id, ServerErrorText.notStart, into: &actions)
        case .tracer(let uuid):
            let type = if case .invalidJSON = error { "socket" } else { "event" }
            endSession(uuid, because: .tracerSentMalformed(ErrorInfo(type: type, error.description)), into: &actions)
        case .clientAwaitingStart, .client, nil:
            break
        }
    }

    /// A refused frame length: the tracer and its clients get a `socket`
    /// error, and the connection (with its session) ends, since nothing
    /// after it can be read.
    mutating func tracerSentBadFrame(_ id: ConnectionID, _ error: FrameError, into actions: inout [SessionAction]) {
        let info = ErrorInfo(type: "socket", error.description)
        switch connections[id] {
        case .tracerAwaitingStart:
            dismiss(id, with: [.error(info)], reason: error.description, into: &actions)
        case .tracer(let uuid):
            actions.append(.send(.error(info), to: id))
            endSession(uuid, because: .tracerSentMalformed(info), into: &actions)
        case .clientAwaitingStart, .client, nil:
            break
        }
    }
}
