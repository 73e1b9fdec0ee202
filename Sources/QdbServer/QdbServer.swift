import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A running qdb server: a TCP port for tracers and a WebSocket port for
/// clients, relaying between them by session uuid.
///
/// ```swift
/// let server = try await QdbServer.start(configuration)
/// print(server.tracerPort, server.clientPort)
/// await server.shutdown()
/// ```
///
/// A server runs every connection on a single event loop thread of its
/// own: relaying is cheap next to the system calls, sessions then need no
/// locks, and on a small machine the other cores stay free for the
/// programs being debugged.
///
/// How the parts fit (`docs/protocol.md` is the protocol):
/// - `Sessions/` is every rule, as a state machine without I/O:
///   `SessionStore` takes `SessionEvent`s and answers `SessionAction`s;
///   `Session` relays within one session and buffers for the missing side
///   (`TracerBacklog`, `CommandQueue`); `DeadlineQueue` keeps timeouts.
/// - `Network/` is NIO plumbing: `TracerChannelHandler` and
///   `ClientChannelHandler` turn bytes into events, `SessionDriver` feeds
///   them to the store and carries out its actions.
///
/// Decisions the original left open:
/// - A second tracer for a uuid that has one is turned away with the auth
///   error "Session UUID already has a tracer"; the first keeps its clients.
/// - Binary WebSocket messages are read like text: JSON either way, and
///   bytes that are not UTF-8 get the JSON parser's `event` error.
/// - A tracer's `local` pid is signalled only if the tracer connected from
///   a loopback address; otherwise `pause` is forwarded.
/// - Clients' messages sent before their tracer came are queued for it
///   (a client leaving takes its own along), and the tracer's messages for
///   nobody wait for the next client, not only the first.
/// - Every `disable` to a tracer is `soft`, except for timeouts, which use
///   the configured mode.
public final class QdbServer: Sendable {
    /// The port tracers connect to (the bound one when 0 was asked for).
    public let tracerPort: Int
    /// The port clients connect to (the bound one when 0 was asked for).
    public let clientPort: Int
    private let group: MultiThreadedEventLoopGroup
    private let listeners: [any Channel]
    private let driver: NIOLoopBound<SessionDriver>
    private let isShutDown = Mutex(false)

    private init(
        tracerPort: Int, clientPort: Int, group: MultiThreadedEventLoopGroup, listeners: [any Channel],
        driver: NIOLoopBound<SessionDriver>
    ) {
        self.tracerPort = tracerPort
        self.clientPort = clientPort
        self.group = group
        self.listeners = listeners
        self.driver = driver
    }

    /// Binds both ports and starts serving.
    public static func start(
        _ configuration: ServerConfiguration, logger: Logger = Logger(label: "qdb.server")
    ) async throws -> QdbServer {
        try configuration.validate()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        do {
            let driver = try await loop.submit {
                NIOLoopBound(try SessionDriver(configuration: configuration, eventLoop: loop, logger: logger), eventLoop: loop)
            }.get()
            let tracerListener = try await bindTracerListener(configuration, group: group, driver: driver)
            let clientListener = try await bindClientListener(configuration, group: group, driver: driver)
            let server = QdbServer(
                tracerPort: tracerListener.localAddress?.port ?? configuration.tracerPort,
                clientPort: clientListener.localAddress?.port ?? configuration.clientPort,
                group: group, listeners: [tracerListener, clientListener], driver: driver)
            logger.notice("Serving tracers on \(configuration.tracerHost):\(server.tracerPort)")
            logger.notice("Serving clients on \(configuration.clientHost):\(server.clientPort)")
            return server
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// Stops accepting connections, ends every session as the protocol
    /// says (clients get `disable` and a close, tracers a soft `disable`),
    /// waits for those goodbyes to go out, and stops the thread. Calling it
    /// again does nothing.
    public func shutdown() async {
        guard isShutDown.withLock({ isShutDown in
            defer { isShutDown = true }
            return !isShutDown
        }) else { return }
        for listener in listeners {
            try? await listener.close()
        }
        let driver = self.driver
        try? await group.next().flatSubmit { driver.value.shutDown() }.get()
        try? await group.shutdownGracefully()
    }

    /// Up to this many connections wait to be accepted: many sessions may
    /// start at once.
    private static let acceptBacklog: Int32 = 4096

    /// How big a connection's receive buffer starts, and how big it may
    /// grow. NIO keeps each connection's last receive buffers (up to four)
    /// for its next reads, whatever their size, and most sessions sit idle
    /// (a program stopped at a breakpoint): starting at 256 bytes rather
    /// than NIO's 2 KiB saves 3.5 KiB per session, and growing to 8 KiB
    /// rather than 64 KiB keeps a session after 64 KiB of program output at
    /// about 22 KiB instead of 50 KiB. Reads of 8 KiB still carry about a
    /// hundred messages each: relaying costs at most 5% more CPU.
    private static let receiveBuffers = AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 256, maximum: 8192)

    /// The options both listeners share: many connections arriving at once,
    /// small messages sent without delay, small receive buffers per peer.
    private static func listenerBootstrap(_ group: MultiThreadedEventLoopGroup) -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: acceptBacklog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.recvAllocator, value: receiveBuffers)
    }

    private static func bindTracerListener(
        _ configuration: ServerConfiguration, group: MultiThreadedEventLoopGroup, driver: NIOLoopBound<SessionDriver>
    ) async throws -> any Channel {
        let maximumFrameBytes = configuration.maximumMessageBytes
        return try await listenerBootstrap(group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(TracerFrameDecoder(maximumFrameBytes: maximumFrameBytes)),
                        TracerChannelHandler(driver: driver.value))
                }
            }
            .bind(host: configuration.tracerHost, port: configuration.tracerPort).get()
    }

    private static func bindClientListener(
        _ configuration: ServerConfiguration, group: MultiThreadedEventLoopGroup, driver: NIOLoopBound<SessionDriver>
    ) async throws -> any Channel {
        let upgrader = ClientPipeline.makeUpgrader(
            driver: driver, maximumMessageBytes: configuration.maximumMessageBytes)
        return try await listenerBootstrap(group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try ClientPipeline.configure(channel, upgrader: upgrader)
                }
            }
            .bind(host: configuration.clientHost, port: configuration.clientPort).get()
    }
}
