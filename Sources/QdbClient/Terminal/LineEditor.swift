#if canImport(Glibc)
import Glibc
#endif
// libedit's globals (rl_getc_function, rl_line_buffer, ...) are only touched on
// the terminal thread, which is what makes this import safe.
@preconcurrency import CLibedit
import Synchronization

/// Line editing and history with libedit's readline interface. `readline`
/// blocks, but it reads each key through our `rl_getc_function`, which
/// waits on the terminal thread's poll: so output is printed, and Ctrl-C
/// handled, while the user is in the middle of a line.
struct LineEditor: LineReader {
    static let historySize: Int32 = 1000
    /// Emacs mode's kill-line key: how the getc function makes libedit drop
    /// the line after Ctrl-C.
    private static let killLine: Int32 = 0x15

    /// The terminal the getc function waits on. A C callback can capture
    /// nothing; libedit calls it on the terminal thread, inside `readline`.
    private static let activeTerminal = Mutex<TerminalThread?>(nil)

    let prompt: String
    /// `~/.qdb_history`, or nil to keep no history.
    let historyPath: String?

    init(prompt: String, historyPath: String?) {
        self.prompt = prompt
        self.historyPath = historyPath
    }

    mutating func run(on terminal: TerminalThread) {
        Self.activeTerminal.withLock { $0 = terminal }
        defer { Self.activeTerminal.withLock { $0 = nil } }
        // Before libedit initialises: our SIGINT handler stays installed,
        // and keys come through `nextKey`.
        rl_catch_signals = 0
        rl_getc_function = Self.nextKey
        using_history()
        stifle_history(Self.historySize)
        if let historyPath {
            _ = read_history(historyPath)
        }
        var lastLine: String?
        while let pointer = readline(prompt) {
            let line = String(cString: pointer)
            free(pointer)
            guard !terminal.isStopping else { break }
            if !line.allSatisfy(\.isWhitespace), line != lastLine {
                add_history(line)
                lastLine = line
            }
            terminal.deliver(.line(line))
        }
        if let historyPath {
            _ = write_history(historyPath)
        }
        guard !terminal.isStopping else { return }
        // Ctrl-D: no more input, but output goes on until the session ends.
        StandardOutput.write("\n")
        terminal.deliver(.endOfInput)
        _ = terminal.waitForInput(watchingInput: false, printAbove: StandardOutput.write(lines:))
    }

    private static let nextKey: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
        guard let terminal = activeTerminal.withLock({ $0 }) else { return EOF }
        switch terminal.waitForInput(watchingInput: true, printAbove: printAbove) {
        case .stopping:
            // libedit echoed nothing yet for a half-typed line; leave the
            // terminal on a clean line.
            StandardOutput.write("\r\u{1B}[K")
            return EOF
        case .interrupted:
            // Leave the interrupted line on screen, as a shell does; the
            // kill-line key then empties it on the fresh prompt below.
            StandardOutput.write("^C\n")
            rl_forced_update_display()
            terminal.deliver(.interrupt)
            return killLine
        case .inputReady:
            var byte: UInt8 = 0
            let count = read(STDIN_FILENO, &byte, 1)
            return count == 1 ? Int32(byte) : EOF
        }
    }

    /// Erases the prompt line, prints, and has libedit draw the prompt and
    /// the half-typed line again below.
    private static func printAbove(_ lines: [String]) {
        StandardOutput.write("\r\u{1B}[K")
        StandardOutput.write(lines: lines)
        rl_forced_update_display()
    }
}
