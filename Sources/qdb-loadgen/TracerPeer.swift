import NIOCore
import NIOPosix
import QdbProtocol

/// A tracer on the server's TCP port that acts like a program stopped at
/// a breakpoint: it starts its session with its first stop, answers every
/// client's `start` with breakpoints, watchlist and stack, and, when told
/// to stream, sends messages as fast as the server takes them.
final class TracerPeer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// One tracer, connected; `ready` succeeds once every expected client
    /// start reached it.
    struct Connection: Sendable {
        let channel: any Channel
        let peer: NIOLoopBound<TracerPeer>
        let ready: EventLoopFuture<Void>
    }

    static func connect(
        group: any EventLoopGroup, port: Int, uuid: String, expectedStarts: Int, tally: LoadTally,
        timeout: TimeAmount
    ) async throws -> Connection {
        try await ClientBootstrap(group: group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(timeout)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let ready = channel.eventLoop.makePromise(of: Void.self)
                    let peer = TracerPeer(uuid: uuid, expectedStarts: expectedStarts, tally: tally, ready: ready)
                    try channel.pipeline.syncOperations.addHandlers(
                        ByteToMessageHandler(FrameSplitter()), peer)
                    return Connection(
                        channel: channel, peer: NIOLoopBound(peer, eventLoop: channel.eventLoop),
                        ready: ready.futureResult.timingOut(after: timeout, "the clients' starts at tracer \(uuid)"))
                }
            }
    }

    private let uuid: String
    private let expectedStarts: Int
    private let tally: LoadTally
    private let ready: EventLoopPromise<Void>
    private var startCount = 0
    private var context: ChannelHandlerContext?
    /// What to send over and over once streaming.
    private var stream: ByteBuffer?
    private var isPumping = false
    private var isPumpScheduled = false

    private init(uuid: String, expectedStarts: Int, tally: LoadTally, ready: EventLoopPromise<Void>) {
        self.uuid = uuid
        self.expectedStarts = expectedStarts
        self.tally = tally
        self.ready = ready
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(LoadMessages.greeting(uuid: uuid)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let body = unwrapInboundIn(data)
        // Parsed, not matched as text: servers differ in how they write it.
        guard (try? Message(bytes: body.readableBytesView))?.name == "start" else { return }
        context.write(wrapOutboundOut(LoadMessages.startReply), promise: nil)
        startCount += 1
        if startCount == expectedStarts {
            ready.succeed()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        let error = LoadError("Tracer \(uuid) was disconnected")
        tally.noteFailure(error.description)
        ready.fail(error)
        context.fireChannelInactive()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            pump()
        }
    }

    /// Sends `frames` once.
    func send(_ frames: ByteBuffer) {
        context?.writeAndFlush(wrapOutboundOut(frames), promise: nil)
    }

    /// Sends `batch` over and over, as fast as the server reads it.
    func startStreaming(_ batch: ByteBuffer) {
        stream = batch
        pump()
    }

    /// Writes while the channel takes more, then yields the event loop to
    /// the other connections: a fast socket would otherwise keep one
    /// tracer writing forever. A full channel resumes when it drains.
    private func pump() {
        guard !isPumping, let context, let stream else { return }
        isPumping = true
        defer { isPumping = false }
        for _ in 0..<16 where context.channel.isWritable {
            context.write(wrapOutboundOut(stream), promise: nil)
        }
        // A flush that drains the channel reports writability, which
        // calls `pump()` again: `isPumping` makes that a no-op.
        context.flush()
        if context.channel.isWritable && !isPumpScheduled {
            isPumpScheduled = true
            context.eventLoop.assumeIsolated().execute {
                self.isPumpScheduled = false
                self.pump()
            }
        }
    }
}

/// Splits the tracer link into frame bodies (4-byte big-endian length,
/// then the body).
struct FrameSplitter: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: Int32.self),
              let body = buffer.getSlice(at: buffer.readerIndex + TracerFraming.headerBytes, length: Int(length))
        else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: TracerFraming.headerBytes + Int(length))
        context.fireChannelRead(wrapInboundOut(body))
        return .continue
    }
}

extension EventLoopFuture where Value == Void {
    /// This future, or a failure naming `what` if it has not completed
    /// within `timeout`.
    func timingOut(after timeout: TimeAmount, _ what: String) -> EventLoopFuture<Void> {
        let promise = eventLoop.makePromise(of: Void.self)
        let timer = eventLoop.scheduleTask(in: timeout) {
            promise.fail(LoadError("Timed out waiting for \(what)"))
        }
        whenComplete { result in
            timer.cancel()
            promise.completeWith(result)
        }
        return promise.futureResult
    }
}
