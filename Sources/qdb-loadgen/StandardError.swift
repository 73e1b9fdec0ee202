#if canImport(Glibc)
import Glibc
#endif

/// Writes `text` and a newline to standard error: progress, kept apart
/// from the summary on standard output.
func printToStandardError(_ text: String) {
    let line = Array((text + "\n").utf8)
    _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
