import QdbProtocol

/// How the client ends.
public enum ClientExit: Hashable, Sendable {
    /// The server ended the session normally (the program finished, or a
    /// quit was confirmed).
    case sessionOver
    /// The user quit and the server did not confirm in time (or Ctrl-C was
    /// pressed again).
    case quitUnconfirmed
    case failed(ClientError)
    /// `run`/`restart`: start the program again, with new arguments if
    /// given, and set these breakpoints again.
    case restart(arguments: [String]?, breakpoints: [NumberedBreakpoint])

    public var status: Int32 {
        if case .failed = self { return 1 }
        return 0
    }

    /// The one line to print on standard error, if any.
    public var message: String? {
        switch self {
        case .sessionOver, .restart: nil
        case .quitUnconfirmed: "left the session without its confirmation"
        case .failed(let error): error.description
        }
    }
}
