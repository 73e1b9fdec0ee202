import QdbProtocol

/// What to do with a line the user typed.
public enum ConsoleAction: Hashable, Sendable {
    /// Send this to the tracer.
    case send(Command)
    /// Send these, in order (`disable 1 2`).
    case sendAll([Command])
    /// Start the program again (`restart`, `run`): only `qdb-cli run`
    /// can; the arguments replace the old ones when there are any.
    case restart(arguments: [String]?)
    /// End the session: send `quitMode.command`, then wait for the session
    /// to end (the server answers with `disable`).
    case quit(QuitMode)
    /// Show these lines; nothing is sent (help, where).
    case show([ConsoleLine])
    /// The line was not understood: show this one line and go on.
    case error(ConsoleLine)
    /// Nothing to do: an empty line with nothing to repeat.
    case none
}

/// How `quit` ends the session: `soft` lets the program run on untraced,
/// `hard` stops it (`QdbQuit` is raised in it).
public enum QuitMode: String, Hashable, Sendable, CaseIterable {
    case soft
    case hard

    /// The `disable` message that ends the session this way.
    public var command: Command {
        .disable(.string(rawValue))
    }
}
