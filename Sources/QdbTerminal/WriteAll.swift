#if canImport(Glibc)
import Glibc
#endif

/// Writes all of `text`, resuming after interruptions and short writes;
/// gives up silently on an error (a closed terminal or a full disk must not
/// stop the debugger).
public func writeAll(_ text: String, to descriptor: Int32) {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return }
        bytes = bytes.dropFirst(written)
    }
}
