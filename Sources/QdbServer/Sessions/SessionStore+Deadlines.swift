import QdbProtocol

/// Time running out: auth, attach and inactivity timeouts.
extension SessionStore {
    mutating func expireDeadlines(at now: ContinuousClock.Instant, into actions: inout [SessionAction]) {
        while let id = authDeadlines.popDue(at: now) {
            switch connections[id] {
            case .tracerAwaitingStart:
                dismiss(id, with: [.error("auth", ServerErrorText.noStart)], reason: ServerErrorText.noStart,
                        into: &actions)
            case .clientAwaitingStart:
                dismiss(id, with: rejectionMessages(ServerErrorText.noStart), reason: ServerErrorText.noStart,
                        into: &actions)
            case .tracer, .client, nil:
                break
            }
        }
        while let id = attachDeadlines.popDue(at: now) {
            expireAttachDeadline(of: id, into: &actions)
        }
        if let sweep = nextSweep, sweep <= now, let timeout = configuration.inactivityTimeout {
            nextSweep = now + configuration.sweepInterval
            let idle = sessions.values.filter { now - $0.lastActivity >= timeout }.map(\.uuid).sorted()
            for uuid in idle {
                endSession(uuid, because: .inactivity, into: &actions)
            }
        }
    }

    /// A tracer still waiting for its first client ends its session; a
    /// client still waiting for a tracer leaves it.
    private mutating func expireAttachDeadline(of id: ConnectionID, into actions: inout [SessionAction]) {
        switch connections[id] {
        case .tracer(let uuid) where sessions[uuid]?.tracer?.isAwaitingClient == true:
            endSession(uuid, because: .noClient, into: &actions)
        case .client(let uuid) where sessions[uuid]?.tracer == nil:
            dismiss(
                id, with: [.error("tracer", ServerErrorText.noTracer), .clientDisable],
                reason: ServerErrorText.noTracer, into: &actions)
            detachClient(id, from: uuid, into: &actions)
        default:
            break
        }
    }
}
