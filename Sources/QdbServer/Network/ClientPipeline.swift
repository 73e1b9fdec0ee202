import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The client port's pipeline: HTTP/1.1 until the WebSocket upgrade, then
/// `ClientChannelHandler`. Every upgrade request completes the handshake;
/// one whose path the route does not match is then closed at once, as the
/// original did.
enum ClientPipeline {
    private static let upgradeRequiredName = "qdb.upgrade-required"

    /// One upgrader serves every connection (it holds no state).
    static func makeUpgrader(driver: NIOLoopBound<SessionDriver>, maximumMessageBytes: Int)
        -> NIOWebSocketServerUpgrader {
        NIOWebSocketServerUpgrader(
            maxFrameSize: maximumMessageBytes,
            automaticErrorHandling: false,  // it would close with status codes
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { channel, request in
                channel.eventLoop.makeCompletedFuture {
                    let operations = channel.pipeline.syncOperations
                    _ = operations.removeHandler(name: upgradeRequiredName)
                    let driver = driver.value
                    guard let uuid = driver.route.sessionUUID(forTarget: request.uri) else {
                        let closeFrame = WebSocketFrame(fin: true, opcode: .connectionClose, data: ByteBuffer())
                        channel.writeAndFlush(closeFrame).whenComplete { _ in channel.close(promise: nil) }
                        return
                    }
                    let outlet = WebSocketOutlet()
                    let encoder = try operations.handler(type: WebSocketFrameEncoder.self)
                    try operations.addHandler(outlet, position: .before(encoder))
                    try operations.addHandler(
                        ClientChannelHandler(
                            driver: driver, uuid: uuid, maximumMessageBytes: maximumMessageBytes, outlet: outlet))
                }
            })
    }

    static func configure(_ channel: any Channel, upgrader: NIOWebSocketServerUpgrader) throws {
        let operations = channel.pipeline.syncOperations
        try operations.configureHTTPServerPipeline(
            withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
        try operations.addHandler(UpgradeRequiredHandler(), name: upgradeRequiredName)
    }
}

/// Answers an HTTP request that is not a WebSocket upgrade with 426
/// Upgrade Required, and hangs up: this port serves WebSockets only.
final class UpgradeRequiredHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head = unwrapInboundIn(data) else { return }
        let headers: HTTPHeaders = ["Upgrade": "websocket", "Connection": "close", "Content-Length": "0"]
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .upgradeRequired,
                                                            headers: headers))), promise: nil)
        context.closeAfterWrites(last: wrapOutboundOut(.end(nil)))
    }
}
