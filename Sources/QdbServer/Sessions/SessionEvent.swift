import QdbProtocol

/// What happens to the server, as the session store sees it. The network
/// layer reports each of these to `SessionStore.handle(_:at:into:)`,
/// which answers with actions.
enum SessionEvent: Sendable {
    /// A tracer connected. `isLoopback` says whether it came from this
    /// machine, which the server requires before it signals a pid.
    case tracerConnected(ConnectionID, isLoopback: Bool)
    /// A tracer frame that is a protocol message; `byteCount` is the
    /// frame's size, counted against the session's buffers.
    case tracerSent(ConnectionID, Message, byteCount: Int)
    /// A tracer frame that is not a protocol message.
    case tracerSentMalformed(ConnectionID, MessageError)
    /// A tracer frame header announced a length the server refuses.
    case tracerSentBadFrame(ConnectionID, FrameError)
    /// A client completed the WebSocket handshake on a path naming `uuid`.
    case clientConnected(ConnectionID, uuid: String)
    /// A client WebSocket message that is a protocol message.
    case clientSent(ConnectionID, Message, byteCount: Int)
    /// A client message that is not a protocol message, or a WebSocket
    /// rule the client broke; `reason` goes back to it in an `event` error.
    case clientSentMalformed(ConnectionID, reason: String)
    /// The connection is closed, whoever closed it.
    case disconnected(ConnectionID)
    /// The connection's outgoing buffer filled up (false) or drained (true).
    case writabilityChanged(ConnectionID, isWritable: Bool)
    /// Time passed: deadlines up to now come due.
    case clockAdvanced
    /// The server stops: every session ends and every connection closes.
    case shutdown
}
