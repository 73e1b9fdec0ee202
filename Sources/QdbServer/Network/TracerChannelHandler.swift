import NIOCore
import QdbProtocol

/// One tracer connection: frame bodies in (from `TracerFrameDecoder`),
/// length-prefixed frames out, gathered into one buffer per flush
/// (`OutgoingFrames`). It reports to the driver and does what the driver
/// says; the rules live in the session store.
final class TracerChannelHandler: ChannelDuplexHandler, PeerChannel {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let driver: SessionDriver
    private var id: ConnectionID?
    private var context: ChannelHandlerContext?
    private var readGate = ReadGate()
    private var outgoing = OutgoingFrames()
    var isUnflushed = false

    init(driver: SessionDriver) {
        self.driver = driver
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        let id = driver.register(.tracer(self))
        self.id = id
        let isLoopback = context.channel.remoteAddress?.isLoopback ?? false
        driver.handle(.tracerConnected(id, isLoopback: isLoopback))
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let id else { return }
        let body = unwrapInboundIn(data)
        do {
            let message = try Message(bytes: body.readableBytesView)
            driver.receive(.tracerSent(id, message, byteCount: body.readableBytes))
        } catch {
            driver.receive(.tracerSentMalformed(id, error))
        }
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
        case let error as FrameError:
            if let id {
                driver.handle(.tracerSentBadFrame(id, error))
            }
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
        outgoing.appendTracerFrame(json)
    }

    func flush() {
        isUnflushed = false
        guard let frames = outgoing.take() else { return }
        context?.writeAndFlush(wrapOutboundOut(frames), promise: nil)
    }

    func close() {
        context?.closeAfterWrites(last: wrapOutboundOut(outgoing.take() ?? ByteBuffer()))
    }

    func setReading(_ isEnabled: Bool) {
        guard let context else { return }
        readGate.setOpen(isEnabled, context: context)
    }

    var closeFuture: EventLoopFuture<Void>? { context?.channel.closeFuture }
}
