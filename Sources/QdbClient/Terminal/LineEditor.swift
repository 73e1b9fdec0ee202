#if canImport(Glibc)
import Glibc
#endif
import CLibedit
import Synchronization

/// Line editing and history with libedit's readline interface, in its
/// callback form: the terminal thread hands it one key at a time when
/// standard input is readable, so output can be printed in between.
struct LineEditor: LineReader {
    /// Lines libedit has completed. Its callback is a C function that can
    /// capture nothing, so they pass through this global; libedit calls it
    /// on the terminal thread, inside `rl_callback_read_char`.
    private static let completedLines = Mutex<[String?]>([])

    private static let lineHandler: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
        completedLines.withLock { $0.append(line.map { String(cString: $0) }) }
        free(line)
    }

    let prompt: String
    /// `~/.qdb_history`, or nil without a home directory.
    let historyPath: String?
    static let historySize: Int32 = 1000

    private var lastHistoryLine: String?

    init(prompt: String, historyPath: String?) {
        self.prompt = prompt
        self.historyPath = historyPath
    }

    mutating func begin() {
        using_history()
        stifle_history(Self.historySize)
        if let historyPath {
            _ = read_history(historyPath)
        }
        rl_callback_handler_install(prompt, Self.lineHandler)
    }

    mutating func readAvailable() -> [TerminalInput] {
        rl_callback_read_char()
        let lines = Self.completedLines.withLock { lines in
            defer { lines = [] }
            return lines
        }
        return lines.map { line in
            guard let line else { return .endOfInput }
            remember(line)
            return .line(line)
        }
    }

    private mutating func remember(_ line: String) {
        guard !line.allSatisfy(\.isWhitespace), line != lastHistoryLine else { return }
        add_history(line)
        lastHistoryLine = line
    }

    mutating func printAbove(_ lines: [String]) {
        // Erase the prompt line, print, and let libedit draw the prompt and
        // the half-typed line again below.
        StandardOutput.write("\r\u{1B}[K")
        StandardOutput.write(lines: lines)
        rl_forced_update_display()
    }

    mutating func discardLine() {
        rl_replace_line("", 0)
        StandardOutput.write("^C\n")
        rl_forced_update_display()
    }

    mutating func end() {
        StandardOutput.write("\r\u{1B}[K")
        rl_callback_handler_remove()
        if let historyPath {
            _ = write_history(historyPath)
        }
    }
}
