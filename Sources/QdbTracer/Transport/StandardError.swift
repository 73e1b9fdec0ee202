import Glibc
import QdbProtocol

/// Writes straight to file descriptor 2: for the tracer's own rare notices,
/// which must not go through the program's (possibly redirected) sys.stderr.
func writeToStandardError(_ text: String) {
    writeAll(text, to: STDERR_FILENO)
}
