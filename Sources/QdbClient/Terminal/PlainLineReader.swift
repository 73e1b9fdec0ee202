#if canImport(Glibc)
import Glibc
#endif

/// Reads lines from standard input when it is not a terminal (a pipe, a
/// file): no prompt, no editing.
struct PlainLineReader: LineReader {
    private var pending: [UInt8] = []

    mutating func run(on terminal: TerminalThread) {
        var isWatchingInput = true
        while true {
            switch terminal.waitForInput(watchingInput: isWatchingInput, printAbove: StandardOutput.write(lines:)) {
            case .stopping:
                return
            case .interrupted:
                pending = []
                terminal.deliver(.interrupt)
            case .inputReady:
                for input in readAvailable() {
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
