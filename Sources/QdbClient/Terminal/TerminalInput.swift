/// What the user does at the prompt.
public enum TerminalInput: Hashable, Sendable {
    case line(String)
    /// Ctrl-D on an empty line, the end of piped input, or SIGTERM.
    case endOfInput
    /// Ctrl-C (SIGINT).
    case interrupt
}

/// How the terminal thread reads lines: with libedit on a terminal, plainly
/// from a pipe. Used only on the terminal thread.
protocol LineReader {
    /// Called once on the terminal thread before anything else.
    mutating func begin()
    /// Standard input is readable: reads what is there and returns the
    /// inputs it completes.
    mutating func readAvailable() -> [TerminalInput]
    /// Prints lines above the line being typed, leaving it intact.
    mutating func printAbove(_ lines: [String])
    /// Ctrl-C: drops the line being typed.
    mutating func discardLine()
    /// Called once on the terminal thread at the end: restores the terminal.
    mutating func end()
}
