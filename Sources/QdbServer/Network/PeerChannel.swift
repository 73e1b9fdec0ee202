import NIOCore

/// What the driver needs of a connection's channel handler, whichever
/// link it serves.
protocol PeerChannel: AnyObject {
    /// Set while the handler has writes that wait for `flush()`.
    var isUnflushed: Bool { get set }
    /// Frames one message's JSON text for the link; it is sent at the next
    /// `flush()`.
    func write(_ json: [UInt8])
    func flush()
    /// Closes once everything written is out; see `closeAfterWrites`.
    func close()
    func setReading(_ isEnabled: Bool)
    /// Completes when the channel is closed.
    var closeFuture: EventLoopFuture<Void>? { get }
}

/// The connections the driver writes to, by link.
enum Peer {
    case tracer(TracerChannelHandler)
    case client(ClientChannelHandler)

    var channel: any PeerChannel {
        switch self {
        case .tracer(let handler): handler
        case .client(let handler): handler
        }
    }
}

/// Holds back a channel's `read` while its connection is paused, and lets
/// the held read through when it resumes. With auto-read on, NIO asks for
/// a read after each one; not passing it on stops reading the socket, so
/// TCP pushes back on the peer.
struct ReadGate {
    private var isOpen = true
    private var hasHeldRead = false

    mutating func read(context: ChannelHandlerContext) {
        if isOpen {
            context.read()
        } else {
            hasHeldRead = true
        }
    }

    mutating func setOpen(_ isOpen: Bool, context: ChannelHandlerContext) {
        self.isOpen = isOpen
        if isOpen && hasHeldRead {
            hasHeldRead = false
            context.read()
        }
    }
}

extension ChannelHandlerContext {
    /// How long a closing connection may take to accept what was written
    /// to it before it is closed anyway.
    static let closeLinger: TimeAmount = .seconds(2)

    /// Writes `last`, then closes once it (and so everything before it) is
    /// out, or after `closeLinger` if the peer does not read: a plain
    /// close would discard writes still queued.
    func closeAfterWrites(last: NIOAny) {
        let written = eventLoop.makePromise(of: Void.self)
        writeAndFlush(last, promise: written)
        let linger = eventLoop.assumeIsolated().scheduleTask(in: Self.closeLinger) {
            self.close(promise: nil)
        }
        written.futureResult.assumeIsolated().whenComplete { _ in
            linger.cancel()
            self.close(promise: nil)
        }
    }
}

extension SocketAddress {
    /// Whether the address is on this machine's loopback interface.
    var isLoopback: Bool {
        guard let ipAddress else { return true }  // a Unix domain socket
        return ipAddress.hasPrefix("127.") || ipAddress == "::1" || ipAddress.hasPrefix("::ffff:127.")
    }
}
