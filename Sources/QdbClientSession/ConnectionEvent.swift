import QdbProtocol

/// What the connection reports, in order; `closed` comes last, once.
public enum ConnectionEvent: Hashable, Sendable {
    case message(Message)
    /// A text frame that is not a protocol message: the reason.
    case unreadableFrame(String)
    case closed(ConnectionClosure)
}

public enum ConnectionClosure: Hashable, Sendable {
    /// The server sent a close frame; qdb's server sends none with a status
    /// code, other servers may.
    case closeFrame(status: UInt16?)
    /// The connection ended without a close frame: the server died, or we
    /// closed it.
    case connectionDropped
}
