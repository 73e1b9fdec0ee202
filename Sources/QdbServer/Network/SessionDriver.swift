import Logging
import NIOCore
import QdbProtocol

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the session store on the server's event loop. Channel handlers
/// report what happens on their connection; the driver gives each event
/// to the store with the time, then carries out the store's actions on the
/// channels. It also keeps one timer for the store's next deadline.
///
/// Every connection of a server lives on this one event loop, so the
/// driver and the handlers share state without locks.
final class SessionDriver {
    let route: ClientRoute
    private let eventLoop: any EventLoop
    private let logger: Logger
    private var store: SessionStore
    private var peers: [ConnectionID: Peer] = [:]
    private var lastConnectionNumber: UInt64 = 0
    private var serializer = MessageSerializer()
    /// Reused for every event, so that handling one allocates no list.
    private var actions: [SessionAction] = []
    /// Events reported while actions were being carried out (a write or a
    /// close can make a channel report something at once); they are
    /// handled right after, in order.
    private var deferredEvents: [SessionEvent] = []
    private var isHandling = false
    private var unflushed: [any PeerChannel] = []
    private var wakeUp: Scheduled<Void>?
    private var wakeUpDeadline: ContinuousClock.Instant?

    init(configuration: ServerConfiguration, eventLoop: any EventLoop, logger: Logger) throws(ConfigurationError) {
        route = try ClientRoute(pattern: configuration.route)
        self.eventLoop = eventLoop
        self.logger = logger
        store = SessionStore(configuration: configuration, now: .now)
        scheduleWakeUp()
    }

    /// Numbers a new connection and remembers its handler.
    func register(_ peer: Peer) -> ConnectionID {
        lastConnectionNumber += 1
        let id = ConnectionID(lastConnectionNumber)
        peers[id] = peer
        return id
    }

    /// Handles an event and sends what it wrote.
    func handle(_ event: SessionEvent) {
        receive(event)
        flush()
    }

    /// Handles an event from a channel read. What it writes is sent by
    /// `flush()` at the end of the read, so a burst of messages leaves in
    /// one system call per connection.
    func receive(_ event: SessionEvent) {
        if case .disconnected(let id) = event {
            peers[id] = nil
        }
        guard !isHandling else {
            deferredEvents.append(event)
            return
        }
        isHandling = true
        var next: SessionEvent? = event
        while let event = next {
            store.handle(event, at: .now, into: &actions)
            for action in actions {
                perform(action)
            }
            actions.removeAll(keepingCapacity: true)
            next = deferredEvents.isEmpty ? nil : deferredEvents.removeFirst()
        }
        isHandling = false
        scheduleWakeUp()
    }

    /// Sends everything written since the last flush.
    func flush() {
        // Popping one at a time stays correct if a flush reports an event
        // that writes more.
        while let peer = unflushed.popLast() {
            peer.flush()
        }
    }

    /// Ends every session and closes every connection; succeeds once all
    /// of them are closed.
    func shutDown() -> EventLoopFuture<Void> {
        let closed = peers.values.compactMap(\.channel.closeFuture)
        handle(.shutdown)
        wakeUp?.cancel()
        wakeUp = nil
        return EventLoopFuture.andAllComplete(closed, on: eventLoop)
    }

    private func perform(_ action: SessionAction) {
        switch action {
        case .send(let message, let id):
            guard let peer = peers[id]?.channel else { break }
            peer.write(serializer.json(message))
            noteUnflushed(peer)
        case .broadcast(let message, let ids):
            var json: [UInt8]?
            for id in ids {
                guard case .client(let handler) = peers[id] else { continue }
                if json == nil {
                    json = serializer.json(message)
                }
                handler.write(json!)
                noteUnflushed(handler)
            }
        case .close(let id):
            peers.removeValue(forKey: id)?.channel.close()
        case .setReading(let id, let isEnabled):
            peers[id]?.channel.setReading(isEnabled)
        case .signal(let pid, let signal):
            if kill(pid, signal) != 0 {
                logger.warning("Could not pause the tracer", metadata: ["pid": "\(pid)", "errno": "\(errno)"])
            }
        case .report(let report):
            log(report)
        }
    }

    private func noteUnflushed(_ peer: any PeerChannel) {
        guard !peer.isUnflushed else { return }
        peer.isUnflushed = true
        unflushed.append(peer)
    }

    /// Keeps one timer, set for the store's next deadline.
    private func scheduleWakeUp() {
        let deadline = store.nextDeadline
        guard deadline != wakeUpDeadline else { return }
        wakeUp?.cancel()
        wakeUpDeadline = deadline
        guard let deadline else {
            wakeUp = nil
            return
        }
        let delay = TimeAmount(max(deadline - .now, .zero))
        wakeUp = eventLoop.assumeIsolated().scheduleTask(in: delay) {
            self.wakeUpDeadline = nil
            self.handle(.clockAdvanced)
        }
    }

    private func log(_ report: SessionReport) {
        switch report {
        case .rejected(let id, let reason):
            logger.info("Connection turned away", metadata: ["connection": "\(id)", "reason": "\(reason)"])
        case .tracerAttached(let uuid, let isLocal):
            logger.info("Tracer attached", metadata: ["uuid": "\(uuid)", "local": "\(isLocal)"])
        case .clientAttached(let uuid, let clientCount):
            logger.info("Client attached", metadata: ["uuid": "\(uuid)", "clients": "\(clientCount)"])
        case .clientDetached(let uuid, let clientCount):
            logger.info("Client left", metadata: ["uuid": "\(uuid)", "clients": "\(clientCount)"])
        case .printsDropped(let uuid, let count):
            logger.notice(
                "Dropped program output that no client was there to read",
                metadata: ["uuid": "\(uuid)", "messages": "\(count)"])
        case .backlogFull(let uuid):
            logger.warning(
                "Not reading the tracer until a client attaches: its buffer is full", metadata: ["uuid": "\(uuid)"])
        case .sessionEnded(let uuid, let reason):
            logger.info("Session ended", metadata: ["uuid": "\(uuid)", "reason": "\(reason)"])
        }
    }
}

extension TimeAmount {
    /// `duration` in nanoseconds, saturating (configured timeouts are at
    /// most a century, well inside the range).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (nanoseconds, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        self = .nanoseconds(overflow ? .max : nanoseconds.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}
