import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import QdbProtocol
import QdbServer

#if canImport(Glibc)
import Glibc
#endif

/// The cheapest relay that speaks qdb's wire protocol, run as the relay
/// benchmark's baseline in the same run as `qdb-server`: one event loop
/// thread and the same NIO pipelines (length-prefixed TCP for tracers,
/// WebSocket for clients), but frame bodies are forwarded as they came,
/// with no JSON parsing, no re-serialisation and no session rules beyond
/// routing by uuid. What it reaches is what the event loop, the kernel and
/// the load generator allow on this machine at the time, so the server's
/// figure divided by it shows what qdb's own work costs.
enum ReferenceRelay {
    /// Serves until the process is killed; logs its ports to `logPath` in
    /// `qdb-server`'s words, so `RelayProcess` finds them the same way.
    static func run(tracerPort: Int, clientPort: Int, logPath: String) async throws -> Never {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let rooms = try await loop.submit { NIOLoopBound(Rooms(), eventLoop: loop) }.get()
        let tracerListener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(FrameSplitter()), ReferenceTracerHandler(rooms: rooms.value))
                }
            }
            .bind(host: "127.0.0.1", port: tracerPort).get()
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: TracerFraming.defaultMaximumFrameBytes,
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { channel, request in
                channel.eventLoop.makeCompletedFuture {
                    let uuid = String(request.uri.dropFirst())
                    let operations = channel.pipeline.syncOperations
                    let outlet = WebSocketOutlet()
                    try operations.addHandler(
                        outlet, position: .before(operations.handler(type: WebSocketFrameEncoder.self)))
                    try operations.addHandler(ReferenceClientHandler(uuid: uuid, rooms: rooms.value, outlet: outlet))
                }
            })
        let clientListener = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 4096)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
            }
            .bind(host: "127.0.0.1", port: clientPort).get()
        let log = """
            Serving tracers on 127.0.0.1:\(tracerListener.localAddress?.port ?? tracerPort)
            Serving clients on 127.0.0.1:\(clientListener.localAddress?.port ?? clientPort)

            """
        try writeText(log, to: logPath)
        while true {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}

/// The sessions of the reference relay, by uuid; touched on its one event
/// loop only.
final class Rooms {
    final class Room {
        var tracer: ReferenceTracerHandler?
        var clients: [ReferenceClientHandler] = []
        /// Client starts that came before the tracer.
        var pendingStarts: [ByteBuffer] = []
        var stalledClientCount = 0
    }

    private var rooms: [String: Room] = [:]

    func room(_ uuid: String) -> Room {
        if let room = rooms[uuid] {
            return room
        }
        let room = Room()
        rooms[uuid] = room
        return room
    }
}

/// A tracer of the reference relay: its start names its room; every later
/// frame body goes to the room's clients as it is.
final class ReferenceTracerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let rooms: Rooms
    private var room: Rooms.Room?
    private var context: ChannelHandlerContext?

    init(rooms: Rooms) {
        self.rooms = rooms
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let body = unwrapInboundIn(data)
        if let room {
            for client in room.clients {
                client.send(body)
            }
            return
        }
        guard let uuid = (try? Message(bytes: body.readableBytesView))?.payload["uuid"]?.stringValue else {
            context.close(promise: nil)
            return
        }
        let room = rooms.room(uuid)
        self.room = room
        room.tracer = self
        for start in room.pendingStarts {
            send(start)
        }
        room.pendingStarts = []
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        for client in room?.clients ?? [] {
            client.flush()
        }
    }

    /// Sends one frame body with its length prefix.
    func send(_ body: ByteBuffer) {
        guard let context else { return }
        var frame = context.channel.allocator.buffer(capacity: TracerFraming.headerBytes + body.readableBytes)
        frame.writeInteger(Int32(body.readableBytes))
        frame.writeImmutableBuffer(body)
        context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
    }

    /// Reads only while every client keeps up.
    func setReading(_ isReading: Bool) {
        // Turning auto-read back on also reads at once.
        try? context?.channel.syncOptions?.setOption(.autoRead, value: isReading)
    }
}

/// A client of the reference relay: its first message (`start`) goes to
/// the tracer; what the tracer sends comes out as text frames. Like
/// qdb-server's clients, it frames what it sends with `OutgoingFrames`
/// into one buffer per flush, written through a `WebSocketOutlet` past
/// NIO's per-frame encoder: the two relays then differ only in what
/// qdb-server does with the messages.
final class ReferenceClientHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame

    private let room: Rooms.Room
    private let outlet: WebSocketOutlet
    private var hasStarted = false
    private var isStalled = false
    private var outgoing = OutgoingFrames()

    init(uuid: String, rooms: Rooms, outlet: WebSocketOutlet) {
        room = rooms.room(uuid)
        self.outlet = outlet
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard frame.opcode == .text, !hasStarted else { return }
        hasStarted = true
        room.clients.append(self)
        if let tracer = room.tracer {
            tracer.send(frame.unmaskedData)
        } else {
            room.pendingStarts.append(frame.unmaskedData)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        setStalled(!context.channel.isWritable)
    }

    func channelInactive(context: ChannelHandlerContext) {
        setStalled(false)
        room.clients.removeAll { $0 === self }
        context.fireChannelInactive()
    }

    func send(_ body: ByteBuffer) {
        outgoing.appendWebSocketFrame(.text, payload: body.readableBytesView)
    }

    func flush() {
        guard let frames = outgoing.take(), let context = outlet.context else { return }
        context.writeAndFlush(outlet.wrapOutboundOut(frames), promise: nil)
    }

    private func setStalled(_ isStalled: Bool) {
        guard isStalled != self.isStalled else { return }
        self.isStalled = isStalled
        room.stalledClientCount += isStalled ? 1 : -1
        if room.stalledClientCount == (isStalled ? 1 : 0) {
            room.tracer?.setReading(!isStalled)
        }
    }
}

/// Writes `text` to a new file at `path`.
func writeText(_ text: String, to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard descriptor >= 0 else { throw LoadError("Cannot write \(path): errno \(errno)") }
    defer { close(descriptor) }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { throw LoadError("Cannot write \(path): errno \(errno)") }
        written += count
    }
}
