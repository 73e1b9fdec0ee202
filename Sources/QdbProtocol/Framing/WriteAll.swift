#if canImport(Glibc)
import Glibc
#endif

/// Writes all of `text`, resuming after interruptions and short writes;
/// gives up silently on an error (a closed terminal or a full disk must not
/// stop the debugger).
public func writeAll(_ text: String, to descriptor: Int32) {
    writeAll(Array(text.utf8), to: descriptor)
}

/// Writes all of `bytes`; false when the descriptor failed (closed).
@discardableResult
public func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
    var rest = bytes[...]
    while !rest.isEmpty {
        let written = rest.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        if written < 0 && errno == EINTR { continue }
        guard written > 0 else { return false }
        rest = rest.dropFirst(written)
    }
    return true
}
