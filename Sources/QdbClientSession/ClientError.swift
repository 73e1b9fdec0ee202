/// Why the client could not start or had to stop: each is one line for the
/// user, printed as `qdb-cli: <description>` with a non-zero exit status.
public enum ClientError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidAddress(String)
    case invalidAddressFormat(String)
    /// No connection: nothing listening, unknown host, timeout.
    case cannotConnect(address: String, reason: String)
    /// Something answered, but not with a WebSocket upgrade.
    case upgradeRefused(address: String)
    case handshakeTimedOut(address: String)
    /// The server refused the auth message; its text.
    case authenticationRefused(String)
    /// The server ended the session for a reason other than a normal end
    /// (no tracer came, the tracer's connection broke); its text.
    case sessionEnded(String)
    /// The connection closed without the server saying the session ended.
    case connectionLost(address: String)
    /// `qdb-cli run` could not set up the program, its server or its tracer.
    case cannotStartProgram(String)
    /// `qdb-cli attach --pid` could not debug the process: why, and what
    /// to do about it.
    case cannotAttach(pid: Int32, reason: String)

    public var description: String {
        switch self {
        case .invalidAddress(let text):
            "invalid address '\(text)': expected ws://HOST[:PORT]/PATH"
        case .invalidAddressFormat(let format):
            "invalid address format '\(format)': only {uuid} may appear in braces"
        case .cannotConnect(let address, let reason):
            "cannot connect to \(address): \(reason)"
        case .upgradeRefused(let address):
            "\(address) did not accept a WebSocket connection (is it a qdb server?)"
        case .handshakeTimedOut(let address):
            "\(address) did not answer the WebSocket handshake"
        case .authenticationRefused(let text):
            "authentication refused: \(text)"
        case .sessionEnded(let text):
            "session ended: \(text)"
        case .connectionLost(let address):
            "connection to \(address) lost: the server went away"
        case .cannotStartProgram(let reason):
            reason
        case .cannotAttach(let pid, let reason):
            "cannot attach to process \(pid): \(reason)"
        }
    }
}
