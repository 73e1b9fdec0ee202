import NIOCore
import NIOPosix

/// The sessions the load generator holds open on one relay: a tracer and
/// some clients each, all on the generator's own event loops.
struct SessionLoad: Sendable {
    let tracers: [TracerPeer.Connection]
    let clients: [any Channel]

    /// Opens `count` sessions of a tracer and `clientsPerSession` clients,
    /// `concurrency` sessions at a time, and returns once every tracer got
    /// every client's `start` and every client received
    /// `attachMessages` messages. `progress` hears how many are done.
    static func open(
        count: Int, clientsPerSession: Int, attachMessages: Int, relay: RelayAddress, group: any EventLoopGroup,
        tally: LoadTally, concurrency: Int, timeout: TimeAmount = .seconds(60),
        progress: @Sendable (Int) -> Void = { _ in }
    ) async throws -> SessionLoad {
        try await withThrowingTaskGroup(of: (TracerPeer.Connection, [any Channel]).self) { sessionTasks in
            var tracers: [TracerPeer.Connection] = []
            var clients: [any Channel] = []
            var started = 0
            func openNext(in taskGroup: inout ThrowingTaskGroup<(TracerPeer.Connection, [any Channel]), any Error>) {
                let uuid = "load-\(started)"
                started += 1
                taskGroup.addTask {
                    let tracer = try await TracerPeer.connect(
                        group: group, port: relay.tracerPort, uuid: uuid, expectedStarts: clientsPerSession,
                        tally: tally, timeout: timeout)
                    var sessionClients: [ClientPeer.Connection] = []
                    for _ in 0..<clientsPerSession {
                        sessionClients.append(try await ClientPeer.connect(
                            group: group, port: relay.clientPort, uuid: uuid, attachMessages: attachMessages,
                            tally: tally, timeout: timeout))
                    }
                    try await tracer.ready.get()
                    for client in sessionClients {
                        try await client.attached.get()
                    }
                    return (tracer, sessionClients.map(\.channel))
                }
            }
            do {
                while started < min(concurrency, count) {
                    openNext(in: &sessionTasks)
                }
                while let (tracer, sessionClients) = try await sessionTasks.next() {
                    tracers.append(tracer)
                    clients += sessionClients
                    progress(tracers.count)
                    if started < count {
                        openNext(in: &sessionTasks)
                    }
                }
            } catch {
                throw LoadError("\(tracers.count) of \(count) sessions attached, then: \(error)")
            }
            return SessionLoad(tracers: tracers, clients: clients)
        }
    }

    /// Every tracer sends `frames` once.
    func send(_ frames: ByteBuffer) {
        for tracer in tracers {
            let peer = tracer.peer
            peer.eventLoop.execute { peer.value.send(frames) }
        }
    }

    /// Every tracer sends `batch` over and over from now on.
    func startStreaming(_ batch: ByteBuffer) {
        for tracer in tracers {
            let peer = tracer.peer
            peer.eventLoop.execute { peer.value.startStreaming(batch) }
        }
    }

    /// Closes every connection.
    func close() async {
        let channels = tracers.map(\.channel) + clients
        for channel in channels {
            channel.close(promise: nil)
        }
        for channel in channels {
            try? await channel.closeFuture.get()
        }
    }
}

/// Where a relay listens, on loopback.
struct RelayAddress: Sendable {
    var tracerPort: Int
    var clientPort: Int
}

/// Runs `body` with `threads` event loops of the load generator's own,
/// shut down after.
func withEventLoops<Result>(
    threads: Int, _ body: (MultiThreadedEventLoopGroup) async throws -> Result
) async throws -> Result {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    do {
        let result = try await body(group)
        try await group.shutdownGracefully()
        return result
    } catch {
        try? await group.shutdownGracefully()
        throw error
    }
}
