import NIOCore

/// Where a client's bytes, already framed by `ClientChannelHandler`
/// (`OutgoingFrames`), enter the pipeline: just in front of the
/// `WebSocketFrameEncoder` that NIO's upgrader installs, which takes one
/// `WebSocketFrame` per message and cannot be removed. Writing from this
/// handler's context passes it by. (Public for qdb-loadgen's reference
/// relay, like `OutgoingFrames`.)
public final class WebSocketOutlet: ChannelOutboundHandler {
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    public private(set) var context: ChannelHandlerContext?

    public init() {}

    public func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }
}
