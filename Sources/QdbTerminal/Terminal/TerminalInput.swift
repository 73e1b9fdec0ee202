/// What the user does at the prompt.
public enum TerminalInput: Hashable, Sendable {
    case line(String)
    /// Ctrl-D on an empty line, the end of piped input, SIGTERM or SIGHUP.
    case endOfInput
    /// Ctrl-C (SIGINT).
    case interrupt
}

/// How the terminal thread reads lines: with libedit on a terminal, plainly
/// from a pipe. It runs on the terminal thread, waiting with
/// `TerminalThread.waitForInput`, which prints posted output meanwhile.
protocol LineReader {
    /// Reads until the terminal stops, delivering what the user does.
    mutating func run(on terminal: TerminalThread)
}
