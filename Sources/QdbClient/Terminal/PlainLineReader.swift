#if canImport(Glibc)
import Glibc
#endif

/// Reads lines from standard input when it is not a terminal (a pipe, a
/// file): no prompt, no editing.
struct PlainLineReader: LineReader {
    private var pending: [UInt8] = []

    mutating func begin() {}

    mutating func readAvailable() -> [TerminalInput] {
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

    mutating func printAbove(_ lines: [String]) {
        StandardOutput.write(lines: lines)
    }

    mutating func discardLine() {
        pending = []
    }

    mutating func end() {}
}
