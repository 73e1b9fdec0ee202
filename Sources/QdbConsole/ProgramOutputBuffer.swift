/// Joins the program's output into lines. The tracer sends one `print`
/// event per `write()` call (`print('y is', y)` arrives as `"y is"`, `" "`,
/// `"3"`, `"\n"`), so showing each chunk as a line would shred it.
struct ProgramOutputBuffer: Sendable {
    enum Stream: Sendable {
        case standardOutput
        case standardError

        var style: TextStyle {
            self == .standardError ? .standardError : .plain
        }
    }

    /// The unfinished last line and the stream it came from.
    private var pending: (stream: Stream, text: String)?

    /// The complete lines `chunk` finishes; a partial line waits for more.
    mutating func append(_ chunk: String, from stream: Stream) -> [ConsoleLine] {
        guard !chunk.isEmpty else { return [] }
        // Output from the other stream starts a new line, so that stdout and
        // stderr text never share one.
        var lines = pending?.stream == stream ? [] : flush()
        let text = (pending?.text ?? "") + chunk
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        let rest = String(parts.removeLast())
        lines += parts.map { ConsoleLine(String($0), stream.style) }
        pending = rest.isEmpty ? nil : (stream, rest)
        return lines
    }

    /// The unfinished line, if any: shown when something else is about to
    /// be printed (a stop, a prompt) so it is not held back.
    mutating func flush() -> [ConsoleLine] {
        guard let pending else { return [] }
        self.pending = nil
        return [ConsoleLine(pending.text, pending.stream.style)]
    }
}
