import NIOCore
import NIOWebSocket
import QdbClientSession
import QdbProtocol

/// The client's end of a WebSocket after the upgrade: text frames become
/// messages, pings are answered, a close frame is echoed and the connection
/// closed. Frames from the server arrive whole (an aggregator sits before
/// this handler).
final class WebSocketMessageHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let events: AsyncStream<ConnectionEvent>.Continuation
    private var closure = ConnectionClosure.connectionDropped

    init(events: AsyncStream<ConnectionEvent>.Continuation) {
        self.events = events
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            let bytes = frame.unmaskedData.readableBytesView
            do {
                events.yield(.message(try Message(bytes: bytes)))
            } catch {
                events.yield(.unreadableFrame(error.description))
            }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: .random(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .connectionClose:
            var payload = frame.unmaskedData
            let status = payload.readInteger(as: UInt16.self)
            closure = .closeFrame(status: status)
            // RFC 6455 §5.5.1: answer with a close frame, echoing the status.
            var echo = context.channel.allocator.buffer(capacity: 2)
            if let status { echo.writeInteger(status) }
            let reply = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: echo)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(reply)).whenComplete { _ in
                channel.close(promise: nil)
            }
        default:
            break  // binary and pong frames mean nothing here
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        events.yield(.closed(closure))
        events.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A protocol error from the frame decoder or a reset: the connection
        // is unusable; channelInactive reports the end.
        context.close(promise: nil)
    }
}
