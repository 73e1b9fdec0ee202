import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import QdbProtocol

/// A client on the server's WebSocket port: it sends `start` and counts
/// the text frames it receives (it does not parse them: the load
/// generator must stay cheaper than the server it measures).
final class ClientPeer: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    /// One client, connected; `attached` succeeds once it has received
    /// `attachMessages` messages.
    struct Connection: Sendable {
        let channel: any Channel
        let attached: EventLoopFuture<Void>
    }

    static func connect(
        group: any EventLoopGroup, port: Int, uuid: String, attachMessages: Int, tally: LoadTally,
        timeout: TimeAmount
    ) async throws -> Connection {
        let (channel, attached) = try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(timeout)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let attached = channel.eventLoop.makePromise(of: Void.self)
                    let upgrade = try configureUpgrade(of: channel, uuid: uuid, port: port) {
                        ClientPeer(uuid: uuid, attachMessages: attachMessages, tally: tally, attached: attached)
                    }
                    let upgraded = upgrade.flatMapThrowing { isUpgraded in
                        guard isUpgraded else {
                            throw LoadError("The server refused the WebSocket upgrade for \(uuid)")
                        }
                    }
                    // Not from the peer's `handlerAdded`: the upgrade handler
                    // refuses writes until the upgrade is complete.
                    upgraded.whenSuccess { sendStart(on: channel) }
                    upgraded.cascadeFailure(to: attached)
                    return (channel, attached.futureResult)
                }
            }
        return Connection(channel: channel, attached: attached.timingOut(after: timeout, "client \(uuid) to attach"))
    }

    /// The client's first message, sent once it is a WebSocket.
    private static func sendStart(on channel: any Channel) {
        let start = ByteBuffer(bytes: LoadMessages.clientStart.serializedBytes())
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: start), promise: nil)
    }

    /// Prepares the HTTP upgrade of `channel` to a WebSocket on `/uuid`;
    /// the future says whether the server accepted it.
    private static func configureUpgrade(
        of channel: any Channel, uuid: String, port: Int, peer: @escaping @Sendable () -> ClientPeer
    ) throws -> EventLoopFuture<Bool> {
        let upgrader = NIOTypedWebSocketClientUpgrader<Bool>(
            maxFrameSize: TracerFraming.defaultMaximumFrameBytes,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(peer())
                    return true
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "127.0.0.1:\(port)")
        headers.add(name: "Content-Length", value: "0")
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/\(uuid)", headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration(
            upgradeRequestHead: request, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(false) })
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
            configuration: .init(upgradeConfiguration: configuration))
    }

    private let uuid: String
    private let attachMessages: Int
    private let tally: LoadTally
    private let attached: EventLoopPromise<Void>
    private var messageCount = 0
    /// Counted since the tally was last updated.
    private var uncountedMessages = 0
    private var uncountedBytes = 0

    private init(uuid: String, attachMessages: Int, tally: LoadTally, attached: EventLoopPromise<Void>) {
        self.uuid = uuid
        self.attachMessages = attachMessages
        self.tally = tally
        self.attached = attached
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            messageCount += 1
            uncountedMessages += 1
            uncountedBytes += frame.length
            if messageCount == attachMessages {
                attached.succeed()
            }
        case .connectionClose:
            tally.noteFailure("The server closed client \(uuid)'s WebSocket")
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        tally.clientMessages.add(uncountedMessages, ordering: .relaxed)
        tally.clientBytes.add(uncountedBytes, ordering: .relaxed)
        uncountedMessages = 0
        uncountedBytes = 0
    }

    func channelInactive(context: ChannelHandlerContext) {
        let error = LoadError("Client \(uuid) was disconnected")
        tally.noteFailure(error.description)
        attached.fail(error)
        context.fireChannelInactive()
    }
}
