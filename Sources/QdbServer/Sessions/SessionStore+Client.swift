import QdbProtocol

/// The clients' side: their start, their messages, their mistakes.
extension SessionStore {
    mutating func clientSent(
        _ id: ConnectionID, _ message: Message, byteCount: Int, at now: ContinuousClock.Instant,
        into actions: inout [SessionAction]
    ) {
        switch connections[id] {
        case .clientAwaitingStart(let uuid):
            startClient(id, uuid: uuid, message, byteCount: byteCount, at: now, into: &actions)
        case .client(let uuid):
            sessions[uuid]?.relayFromClient(id, message, byteCount: byteCount, at: now, into: &actions)
        case .tracerAwaitingStart, .tracer, nil:
            break
        }
    }

    /// A client's first message must be `start` whose payload passes the
    /// auth check (a missing payload counts as ""). The client then joins
    /// its session, tracer or not.
    private mutating func startClient(
        _ id: ConnectionID, uuid: String, _ message: Message, byteCount: Int, at now: ContinuousClock.Instant,
        into actions: inout [SessionAction]
    ) {
        guard message.name == "start" else {
            rejectClient(id, ServerErrorText.notStart, into: &actions)
            return
        }
        let auth = message.payload.isNull ? "" : message.payload.stringValue
        guard clientToken.accepts(auth) else {
            rejectClient(id, ServerErrorText.authenticationFailed, into: &actions)
            return
        }
        connections[id] = .client(uuid: uuid)
        let (hasTracer, clientCount) = withSession(uuid, at: now) { session in
            session.attachClient(id, start: message, byteCount: byteCount, at: now, into: &actions)
            return (session.tracer != nil, session.clients.count)
        }
        if !hasTracer, let attachTimeout {
            attachDeadlines.add(id, dueAt: now + attachTimeout)
        }
        actions.append(.report(.clientAttached(uuid: uuid, clientCount: clientCount)))
    }

    /// Turns a client away as the original did: the auth error, `disable`
    /// and a close.
    func rejectionMessages(_ reason: String) -> [Message] {
        [.error("auth", reason), .clientDisable]
    }

    private mutating func rejectClient(_ id: ConnectionID, _ reason: String, into actions: inout [SessionAction]) {
        dismiss(id, with: rejectionMessages(reason), reason: reason, into: &actions)
    }

    /// A message that is no protocol message gets an `event` error and
    /// closes that client alone. Before its start, the client is then also
    /// turned away for sending none.
    mutating func clientSentMalformed(_ id: ConnectionID, reason: String, into actions: inout [SessionAction]) {
        switch connections[id] {
        case .clientAwaitingStart:
            dismiss(
                id, with: [.error("event", reason)] + rejectionMessages(ServerErrorText.noStart),
                reason: reason, into: &actions)
        case .client(let uuid):
            dismiss(id, with: [.error("event", reason)], reason: reason, into: &actions)
            detachClient(id, from: uuid, into: &actions)
        case .tracerAwaitingStart, .tracer, nil:
            break
        }
    }
}
