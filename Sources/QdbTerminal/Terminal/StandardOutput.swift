#if canImport(Glibc)
import Glibc
#endif
import QdbProtocol

/// Writes straight to file descriptor 1, bypassing stdio's buffer (whose
/// global `FILE *` strict concurrency rightly refuses to share).
public enum StandardOutput {
    public static func write(_ text: String) {
        writeAll(text, to: STDOUT_FILENO)
    }

    /// Each line followed by a newline, in one write.
    public static func write(lines: [String]) {
        write(lines.map { $0 + "\n" }.joined())
    }
}
