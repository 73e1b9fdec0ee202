import Foundation
import QdbDAP
import QdbProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The editor's side: DAP frames read from one descriptor (standard
/// input, or a TCP connection) on a thread of its own, since reading
/// blocks, and written to another by the adapter loop.
final class EditorChannel: Sendable {
    private let input: Int32
    private let output: Int32

    init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    /// Standard input and output.
    static var standard: EditorChannel { EditorChannel(input: STDIN_FILENO, output: STDOUT_FILENO) }

    /// Waits for one editor to connect to `port` on the loopback interface
    /// (0: a free port, which standard error tells).
    static func accepting(onPort port: Int) throws -> EditorChannel {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard listener >= 0 else { throw AdapterError("socket: \(String(cString: strerror(errno)))") }
        defer { close(listener) }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listener, 1) == 0 else {
            throw AdapterError("cannot listen on 127.0.0.1:\(port): \(String(cString: strerror(errno)))")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        // Port 0 takes a free port: the editor (or a test) reads which.
        writeAll("qdb-dap: waiting for an editor on 127.0.0.1:\(UInt16(bigEndian: address.sin_port))\n", to: STDERR_FILENO)
        let connection = accept(listener, nil, nil)
        guard connection >= 0 else { throw AdapterError("accept: \(String(cString: strerror(errno)))") }
        return EditorChannel(input: connection, output: connection)
    }

    /// Reads frames until the editor closes its side, each as an input of
    /// the adapter; ends with nil.
    func startReading(_ deliver: @escaping @Sendable (DebugAdapter.Input?) -> Void) {
        let input = self.input
        let thread = Thread {
            var reader = DAPFrameReader()
            var buffer = [UInt8](repeating: 0, count: 65536)
            reading: while true {
                let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                reader.append(buffer[..<count])
                do throws(DAPFramingError) {
                    while let frame = try reader.next() {
                        switch frame {
                        case .message(let json):
                            deliver(DAPRequest(json: json).map(DebugAdapter.Input.request) ?? .unreadable("not a request"))
                        case .malformed(let reason):
                            deliver(.unreadable(reason))
                        }
                    }
                } catch {
                    // The stream cannot be followed any further.
                    deliver(.unreadable(error.description))
                    break reading
                }
            }
            deliver(nil)
        }
        thread.start()
    }

    /// Sends `message` numbered `seq`.
    func send(_ message: DAPOutgoing, seq: Int) {
        writeAll(DAPFraming.frame(message.json(seq: seq)), to: output)
    }
}

struct AdapterError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
