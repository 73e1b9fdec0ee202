import QdbProtocol

/// What the session store asks the network layer to do, in order.
enum SessionAction: Equatable, Sendable {
    /// Send one message to one connection.
    case send(Message, to: ConnectionID)
    /// Send one message to each listed client; it is serialised once.
    case broadcast(Message, to: [ConnectionID])
    /// Close a connection once what was sent to it is out: a client gets a
    /// close frame without status code first. The store has already
    /// forgotten the connection.
    case close(ConnectionID)
    /// Stop (false) or resume (true) reading from a connection.
    case setReading(ConnectionID, Bool)
    /// Pause a tracer on this machine with kill(2).
    case signal(pid: Int32, signal: Int32)
    /// Something worth a line in the log; changes nothing.
    case report(SessionReport)
}

/// The moments an operator may want to see in the log.
enum SessionReport: Equatable, Sendable {
    case rejected(ConnectionID, reason: String)
    case tracerAttached(uuid: String, isLocal: Bool)
    case clientAttached(uuid: String, clientCount: Int)
    case clientDetached(uuid: String, clientCount: Int)
    /// Program output dropped because no client came to read it.
    case printsDropped(uuid: String, count: Int)
    /// The tracer is no longer read until a client attaches: its buffer is
    /// full of messages that cannot be dropped.
    case backlogFull(uuid: String)
    case sessionEnded(uuid: String, SessionEndReason)
}

/// Why a session ended; decides what each side is told.
enum SessionEndReason: Equatable, Sendable {
    /// The tracer sent `disabled`: the program finished or stopped tracing.
    case tracerDisabled
    /// The tracer's connection dropped.
    case tracerDisconnected
    /// The tracer sent something that is not a message; clients get this
    /// error.
    case tracerSentMalformed(ErrorInfo)
    /// No client attached within the attach timeout.
    case noClient
    /// No message either way within the inactivity timeout.
    case inactivity
    /// The server is stopping.
    case shutdown
}
