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

    /// The terminal the getc function waits on, and what Tab completes
    /// with. A C callback can capture nothing; libedit calls both on the
    /// terminal thread, inside `readline`.
    private static let activeTerminal = Mutex<TerminalThread?>(nil)
    private static let activeCompletion = Mutex<TabCompletion?>(nil)

    /// `~/.qdb_history`, or nil to keep no history.
    let historyPath: String?
    let completion: TabCompletion?

    init(historyPath: String?, completion: TabCompletion?) {
        self.historyPath = historyPath
        self.completion = completion
    }

    mutating func run(on terminal: TerminalThread) {
        Self.activeTerminal.withLock { $0 = terminal }
        Self.activeCompletion.withLock { $0 = completion }
        defer {
            Self.activeTerminal.withLock { $0 = nil }
            Self.activeCompletion.withLock { $0 = nil }
        }
        // Before libedit initialises: our SIGINT handler stays installed,
        // and keys come through `nextKey`.
        rl_catch_signals = 0
        rl_getc_function = Self.nextKey
        rl_attempted_completion_function = Self.complete
        // pdb's word breaks, and `!`: a dotted name (`options.ke`) and a
        // path (`src/my-app/ma`) are one word to complete; `file.py:` ends
        // one. libedit keeps the pointer, so the copy lives until editing
        // ends.
        let wordBreaks = strdup(" \t\n`@#%^&*()=+[{]}\\|;:'\",<>?!")
        let defaultWordBreaks = rl_completer_word_break_characters
        rl_completer_word_break_characters = wordBreaks
        defer {
            rl_completer_word_break_characters = defaultWordBreaks
            free(wordBreaks)
        }
        using_history()
        stifle_history(Self.historySize)
        if let historyPath {
            _ = read_history(historyPath)
        }
        var lastLine: String?
        defer {
            if let historyPath {
                _ = write_history(historyPath)
            }
        }
        while true {
            while let pointer = readline(terminal.nextPrompt()) {
                let line = String(cString: pointer)
                free(pointer)
                guard !terminal.isStopping else { return }
                if !line.allSatisfy(\.isWhitespace), line != lastLine {
                    add_history(line)
                    lastLine = line
                }
                terminal.deliver(.line(line))
            }
            guard !terminal.isStopping else { return }
            // Ctrl-D: the console may take it (leaving `interact`) and ask
            // for more; otherwise output goes on until the session ends.
            StandardOutput.write("\n")
            terminal.deliver(.endOfInput)
            guard terminal.waitForInput(watchingInput: false, printAbove: StandardOutput.write(lines:)) == .inputResumed
            else { return }
        }
    }

    private static let nextKey: @convention(c) (UnsafeMutablePointer<FILE>?) -> Int32 = { _ in
        guard let terminal = activeTerminal.withLock({ $0 }) else { return EOF }
        while true {
            switch terminal.waitForInput(watchingInput: true, printAbove: printAbove) {
            case .stopping:
                // libedit echoed nothing yet for a half-typed line; leave
                // the terminal on a clean line.
                StandardOutput.write("\r\u{1B}[K")
                return EOF
            case .interrupted:
                // Leave the interrupted line on screen, as a shell does; the
                // kill-line key then empties it on the fresh prompt below.
                StandardOutput.write("^C\n")
                rl_forced_update_display()
                terminal.deliver(.interrupt)
                return killLine
            case .inputResumed:
                // Meant for an end of input that `run` waited out: keep
                // waiting for a key.
                continue
            case .inputReady:
                var byte: UInt8 = 0
                let count = read(STDIN_FILENO, &byte, 1)
                return count == 1 ? Int32(byte) : EOF
            }
        }
    }

    /// libedit's completion hook: `text` is the word before the cursor,
    /// from `start` in the line. Returns what readline expects: a malloc'd
    /// NULL-terminated array whose first entry replaces the word (the
    /// matches' common prefix) and the rest are the matches; or NULL.
    private static let complete: @convention(c) (
        UnsafePointer<CChar>?, Int32, Int32
    ) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { text, start, _ in
        // libedit must not fall back to completing file names.
        rl_attempted_completion_over = 1
        guard let completion = activeCompletion.withLock({ $0 }), let text else { return nil }
        let lineStart = rl_line_buffer.map { String(String(cString: $0).prefix(Int(start))) } ?? ""
        let matches = completion.matches(for: String(cString: text), after: lineStart)
        guard let first = matches.first else { return nil }
        let common = matches.dropFirst().reduce(first) { prefix, match in String(zip(prefix, match).prefix { $0 == $1 }.map(\.0)) }
        let entries = (matches.count == 1 ? [first] : [common] + matches).map { strdup($0) }
        // readline frees the array with free(), so it must come from malloc.
        let buffer = malloc(MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (entries.count + 1))!
            .bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: entries.count + 1)
        for (index, entry) in entries.enumerated() {
            buffer[index] = entry
        }
        buffer[entries.count] = nil
        return buffer
    }

    /// Erases the prompt line, prints, and has libedit draw the prompt and
    /// the half-typed line again below.
    private static func printAbove(_ lines: [String]) {
        StandardOutput.write("\r\u{1B}[K")
        StandardOutput.write(lines: lines)
        rl_forced_update_display()
    }
}
