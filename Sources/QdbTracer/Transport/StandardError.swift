import Glibc

/// Writes straight to file descriptor 2: for the tracer's own rare notices,
/// which must not go through the program's (possibly redirected) sys.stderr.
func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let count = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + written, $0.count - written) }
        if count < 0 && errno == EINTR { continue }
        guard count > 0 else { return }
        written += count
    }
}
