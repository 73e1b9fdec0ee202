import NIOCore
import NIOWebSocket
import QdbProtocol

/// One client WebSocket after the upgrade: WebSocket frames in, text
/// frames out. It assembles fragmented messages, answers pings, and
/// closes with a close frame that carries no status code, as the original
/// server did. Binary messages are read like text: both must be JSON, so
/// bytes that are not UTF-8 get the parser's error.
///
/// It frames what it sends itself, into one buffer per flush
/// (`OutgoingFrames`), and writes that through `outlet`.
final class ClientChannelHandler: ChannelDuplexHandler, PeerChannel {
    typealias InboundIn = WebSocketFrame
    typealias OutboundIn = WebSocketFrame

    private let driver: SessionDriver
    private let uuid: String
    private let maximumMessageBytes: Int
    private let outlet: WebSocketOutlet
    private var id: ConnectionID?
    private var context: ChannelHandlerContext?
    private var readGate = ReadGate()
    private var outgoing = OutgoingFrames()
    /// The start of a fragmented message.
    private var fragments: ByteBuffer?
    /// Set once a close frame went out: nothing more is read or written.
    private var isClosing = false
    var isUnflushed = false

    init(driver: SessionDriver, uuid: String, maximumMessageBytes: Int, outlet: WebSocketOutlet) {
        self.driver = driver
        self.uuid = uuid
        self.maximumMessageBytes = maximumMessageBytes
        self.outlet = outlet
    }

    /// Added once the handshake is done, on an active channel.
    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let id = driver.register(.client(self))
        self.id = id
        driver.handle(.clientConnected(id, uuid: uuid))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !isClosing else { return }
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            guard fragments == nil else {
                return reject("Expected a continuation frame, got a new message")
            }
            if frame.fin {
                deliver(frame.unmaskedData)
            } else {
                fragments = frame.unmaskedData
            }
        case .continuation:
            guard var message = fragments else {
                return reject("Continuation frame without a message to continue")
            }
            fragments = nil
            guard message.readableBytes + frame.length <= maximumMessageBytes else {
                return reject(tooLarge)
            }
            var data = frame.unmaskedData
            message.writeBuffer(&data)
            if frame.fin {
                deliver(message)
            } else {
                fragments = message
            }
        case .connectionClose:
            close()
        case .ping:
            outgoing.appendWebSocketFrame(.pong, payload: frame.unmaskedData.readableBytesView)
            flush()
        case .pong:
            break
        default:
            reject("Unknown WebSocket opcode \(frame.opcode)")
        }
    }

    private var tooLarge: String {
        "Message exceeds the limit of \(maximumMessageBytes) bytes"
    }

    private func deliver(_ bytes: ByteBuffer) {
        guard let id else { return }
        do {
            let message = try Message(bytes: bytes.readableBytesView)
            driver.receive(.clientSent(id, message, byteCount: bytes.readableBytes))
        } catch {
            driver.receive(.clientSentMalformed(id, reason: error.description))
        }
    }

    private func reject(_ reason: String) {
        guard let id else { return }
        driver.receive(.clientSentMalformed(id, reason: reason))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        driver.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let id {
            driver.handle(.disconnected(id))
        }
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if let id {
            driver.handle(.writabilityChanged(id, isWritable: context.channel.isWritable))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case NIOWebSocketError.invalidFrameLength:
            reject(tooLarge)
            driver.flush()
        case let error as NIOWebSocketError:
            reject("Invalid WebSocket frame: \(error)")
            driver.flush()
        case ByteToMessageDecoderError.dataReceivedInErrorState:
            break  // more bytes after a bad frame; the connection is closing
        default:
            context.close(promise: nil)
        }
    }

    func read(context: ChannelHandlerContext) {
        readGate.read(context: context)
    }

    // MARK: PeerChannel

    func write(_ json: [UInt8]) {
        guard !isClosing else { return }
        outgoing.appendWebSocketFrame(.text, payload: json)
    }

    func flush() {
        isUnflushed = false
        guard let frames = outgoing.take(), let outletContext = outlet.context else { return }
        outletContext.writeAndFlush(outlet.wrapOutboundOut(frames), promise: nil)
    }

    /// Sends a close frame without status code (clients see 1005) and
    /// closes. A client's own close frame is answered the same way.
    func close() {
        guard let outletContext = outlet.context, !isClosing else { return }
        isClosing = true
        outgoing.appendWebSocketFrame(.connectionClose, payload: EmptyCollection())
        outletContext.closeAfterWrites(last: outlet.wrapOutboundOut(outgoing.take()!))
    }

    func setReading(_ isEnabled: Bool) {
        guard let context else { return }
        readGate.setOpen(isEnabled, context: context)
    }

    var closeFuture: EventLoopFuture<Void>? { context?.channel.closeFuture }
}
