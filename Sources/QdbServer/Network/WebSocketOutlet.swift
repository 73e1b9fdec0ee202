import NIOCore

/// Where a client's bytes, already framed by `ClientChannelHandler`
/// (`OutgoingFrames`), enter the pipeline: just in front of the
/// `WebSocketFrameEncoder` that NIO's upgrader installs, which takes one
/// `WebSocketFrame` per message and cannot be removed. Writing from this
/// handler's context passes it by.
final class WebSocketOutlet: ChannelOutboundHandler {
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }
}
