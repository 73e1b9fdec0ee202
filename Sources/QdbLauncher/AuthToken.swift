#if canImport(Glibc)
import Glibc
#endif
import QdbClientSession

/// A secret shared by the in-process server, the tracer and the client of
/// `qdb-cli run`, so that nobody else on the machine can attach to the
/// session: 16 bytes from the kernel's random source, in hex.
enum AuthToken {
    static func random() throws(ClientError) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let descriptor = open("/dev/urandom", O_RDONLY | O_CLOEXEC)
        defer { if descriptor >= 0 { close(descriptor) } }
        guard descriptor >= 0, read(descriptor, &bytes, bytes.count) == bytes.count else {
            throw .cannotStartProgram("cannot read /dev/urandom for an auth token")
        }
        return bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
