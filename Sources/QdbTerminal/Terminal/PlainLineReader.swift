#if canImport(Glibc)
import Glibc
#endif

/// Reads lines from standard input when it is not a terminal (a pipe, a
/// file), or is one that cannot redraw (`TERM=dumb`: Emacs's comint and
/// gud): no editing, and a prompt only on a dumb terminal.
struct PlainLineReader: LineReader {
    /// Whether the prompt follows each batch of output: on a dumb terminal,
    /// which cannot have it redrawn below new output as libedit does; not
    /// for a pipe or a file.
    let showsPrompt: Bool
    private var pending: [UInt8] = []

    init(showsPrompt: Bool = false) {
        self.showsPrompt = showsPrompt
    }

    mutating func run(on terminal: TerminalThread) {
        var isWatchingInput = true
        // The prompt ends what is on screen and nothing was typed after it.
        var isPromptShown = false
        let showsPrompt = self.showsPrompt
        func printAbove(_ lines: [String]) {
            // Nothing to show, only a prompt that is due: once is enough.
            if lines.isEmpty && isPromptShown { return }
            // A prompt cannot be erased here, so output starts below it:
            // each stop's `> file(line)func()` must begin a line for gud.
            let prompt = showsPrompt ? terminal.nextPrompt() : ""
            StandardOutput.write((isPromptShown ? "\n" : "") + lines.map { $0 + "\n" }.joined() + prompt)
            isPromptShown = showsPrompt
        }
        while true {
            switch terminal.waitForInput(watchingInput: isWatchingInput, printAbove: printAbove) {
            case .stopping:
                return
            case .inputResumed:
                // At the end of a pipe this reads the end again: the
                // console then decides once more (pdb leaves `interact`,
                // then quits).
                isWatchingInput = true
            case .interrupted:
                pending = []
                terminal.deliver(.interrupt)
            case .inputReady:
                for input in readAvailable() {
                    if case .line = input { isPromptShown = false }
                    terminal.deliver(input)
                    // A closed pipe stays readable: stop watching it.
                    if input == .endOfInput { isWatchingInput = false }
                }
            }
        }
    }

    private mutating func readAvailable() -> [TerminalInput] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(STDIN_FILENO, &buffer, buffer.count)
        if count < 0 {
            return errno == EINTR || errno == EAGAIN ? [] : [.endOfInput]
        }
        guard count > 0 else {
            // A last line without a newline still counts.
            let last = pending.isEmpty ? [] : [TerminalInput.line(String(decoding: pending, as: UTF8.self))]
            pending = []
            return last + [.endOfInput]
        }
        pending += buffer[..<count]
        var inputs: [TerminalInput] = []
        while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
            inputs.append(.line(String(decoding: pending[..<newline], as: UTF8.self)))
            pending.removeSubrange(...newline)
        }
        return inputs
    }
}
