import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import QdbProtocol
import Synchronization

/// A minimal WebSocket server on an ephemeral loopback port, standing in
/// for qdb-server in the client's tests: it records what each client sends
/// and lets the test send any frame back. It does not route or relay.
final class TestWebSocketServer: Sendable {
    /// What the server does with a connection.
    enum Behaviour: Sendable {
        /// Completes the WebSocket upgrade.
        case webSocket
        /// Answers every request with a plain 404.
        case notFound
        /// Accepts the TCP connection and never answers.
        case silent
    }

    /// One connected client, as the server sees it.
    final class Peer: Sendable {
        let channel: Channel
        /// Text frames received, decoded; `nil` marks the client's close
        /// frame.
        let received: AsyncStream<Message?>
        private let continuation: AsyncStream<Message?>.Continuation

        init(channel: Channel) {
            self.channel = channel
            (received, continuation) = AsyncStream.makeStream(of: Message?.self)
        }

        func record(_ message: Message?) {
            continuation.yield(message)
        }

        func finish() {
            continuation.finish()
        }

        func send(_ message: Message) {
            send(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(bytes: message.serializedBytes())))
        }

        func send(_ event: String, _ payload: JSONValue = .null) {
            send(Message(event, payload))
        }

        func send(_ frame: WebSocketFrame) {
            channel.writeAndFlush(frame, promise: nil)
        }

        /// A close frame, with `status` or without any (as qdb's server).
        func sendClose(status: WebSocketErrorCode? = nil) {
            var data = channel.allocator.buffer(capacity: 2)
            if let status { data.write(webSocketErrorCode: status) }
            send(WebSocketFrame(fin: true, opcode: .connectionClose, data: data))
        }

        /// Drops the TCP connection without a close frame.
        func drop() {
            channel.close(promise: nil)
        }

        /// The next message received, or nil on a close frame or the end.
        func nextMessage(within timeout: Duration = .seconds(10)) async throws -> Message? {
            try await withDeadline(timeout) { [received] in
                var iterator = received.makeAsyncIterator()
                return await iterator.next() ?? nil
            }
        }
    }

    let port: Int
    private let channel: Channel
    private let peers: AsyncStream<Peer>
    /// Pongs received by any peer, their payloads as text.
    let pongs: AsyncStream<String>

    static func start(_ behaviour: Behaviour = .webSocket) async throws -> TestWebSocketServer {
        let (peers, peerContinuation) = AsyncStream.makeStream(of: Peer.self)
        let (pongs, pongContinuation) = AsyncStream.makeStream(of: String.self)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configure(channel, behaviour, peers: peerContinuation, pongs: pongContinuation)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestWebSocketServer(channel: channel, peers: peers, pongs: pongs)
    }

    private init(channel: Channel, peers: AsyncStream<Peer>, pongs: AsyncStream<String>) {
        self.channel = channel
        self.port = channel.localAddress?.port ?? 0
        self.peers = peers
        self.pongs = pongs
    }

    var address: String { "ws://127.0.0.1:\(port)/qdb" }

    /// The next client to complete the upgrade.
    func nextPeer(within timeout: Duration = .seconds(10)) async throws -> Peer {
        try await withDeadline(timeout) { [peers] in
            var iterator = peers.makeAsyncIterator()
            guard let peer = await iterator.next() else { throw TestTimeout() }
            return peer
        }
    }

    func shutdown() async throws {
        try await channel.close()
    }

    private static func configure(
        _ channel: Channel, _ behaviour: Behaviour,
        peers: AsyncStream<Peer>.Continuation, pongs: AsyncStream<String>.Continuation
    ) throws {
        switch behaviour {
        case .silent:
            return
        case .notFound:
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(NotFoundHandler())
        case .webSocket:
            let upgrader = NIOWebSocketServerUpgrader(
                shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                upgradePipelineHandler: { channel, _ in
                    channel.eventLoop.makeCompletedFuture {
                        let peer = Peer(channel: channel)
                        try channel.pipeline.syncOperations.addHandler(PeerHandler(peer: peer, pongs: pongs))
                        peers.yield(peer)
                    }
                })
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
        }
    }
}

/// Records a peer's frames; the server answers nothing by itself.
private final class PeerHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame

    let peer: TestWebSocketServer.Peer
    let pongs: AsyncStream<String>.Continuation

    init(peer: TestWebSocketServer.Peer, pongs: AsyncStream<String>.Continuation) {
        self.peer = peer
        self.pongs = pongs
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            peer.record(try? Message(bytes: frame.unmaskedData.readableBytesView))
        case .connectionClose:
            peer.record(nil)
        case .pong:
            pongs.yield(String(buffer: frame.unmaskedData))
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        peer.finish()
    }
}

private final class NotFoundHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .end = unwrapInboundIn(data) else { return }
        let head = HTTPResponseHead(version: .http1_1, status: .notFound, headers: ["Content-Length": "0"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

struct TestTimeout: Error {}

/// Runs `body`, failing with `TestTimeout` if it takes longer than
/// `timeout`: no test waits forever.
func withDeadline<T: Sendable>(
    _ timeout: Duration, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: timeout)
            throw TestTimeout()
        }
        defer { group.cancelAll() }
        guard let result = try await group.next() else { throw TestTimeout() }
        return result
    }
}
