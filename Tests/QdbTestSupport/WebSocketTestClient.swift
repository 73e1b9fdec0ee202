import Foundation
import QdbProtocol

/// What a WebSocket test client receives.
public enum WebSocketEvent: Equatable, Sendable, CustomStringConvertible {
    case text(String)
    case binary([UInt8])
    case ping([UInt8])
    case pong([UInt8])
    /// A close frame; `code` is 1005 when it carried no status code (RFC
    /// 6455 section 7.1.5), as the protocol's server closes.
    case close(code: UInt16)
    /// End of stream without a close frame (reported as 1006 by browsers).
    case endOfStream

    public var description: String {
        switch self {
        case .text(let text): "text \(text)"
        case .binary(let bytes): "binary \(bytes.count) bytes"
        case .ping: "ping"
        case .pong: "pong"
        case .close(let code): "close \(code)"
        case .endOfStream: "end of stream"
        }
    }
}

/// A blocking RFC 6455 client for tests, speaking to the server the way
/// any client could: masked frames out, any frame in. Every receive waits
/// until a timeout at most.
///
/// ```swift
/// let client = try WebSocketTestClient(port: server.clientPort, path: "/my-uuid")
/// try client.send(Message("start", ""))
/// let reply = try client.receiveMessage()
/// ```
public final class WebSocketTestClient {
    public enum Opcode: UInt8, Sendable {
        case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA
    }

    /// The HTTP status of the handshake's answer (101 when upgraded).
    public let handshakeStatus: Int
    private let socket: BlockingSocket
    private let defaultTimeout: Double

    /// Connects and performs the opening handshake. Throws
    /// `protocolViolation` unless the server answers 101 with the right
    /// `Sec-WebSocket-Accept`; use `handshake(...)` to see other answers.
    public convenience init(host: String = "127.0.0.1", port: Int, path: String, timeout: Double = 5) throws {
        try self.init(host: host, port: port, path: path, timeout: timeout, requireUpgrade: true)
    }

    private init(host: String, port: Int, path: String, timeout: Double, requireUpgrade: Bool) throws {
        defaultTimeout = timeout
        socket = try BlockingSocket(host: host, port: port, timeout: timeout)
        let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let request = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Key: \(key)\r\nSec-WebSocket-Version: 13\r\n\r\n"
        try socket.send(Array(request.utf8))
        let head = try socket.receive(through: Array("\r\n\r\n".utf8), before: Deadline(seconds: timeout))
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else {
            throw TestSupportError.protocolViolation("bad status line \(lines[0].debugDescription)")
        }
        handshakeStatus = status
        guard requireUpgrade else { return }
        guard status == 101 else { throw TestSupportError.protocolViolation("handshake answered \(status)") }
        let accept = lines.first { $0.lowercased().hasPrefix("sec-websocket-accept:") }?
            .dropFirst("sec-websocket-accept:".count).trimmingCharacters(in: .whitespaces)
        let expected = Data(SHA1.digest(Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))).base64EncodedString()
        guard accept == expected else {
            throw TestSupportError.protocolViolation("Sec-WebSocket-Accept \(accept ?? "missing")")
        }
    }

    /// Sends an upgrade request and returns the client whatever the
    /// answer; `handshakeStatus` tells it.
    public static func handshake(host: String = "127.0.0.1", port: Int, path: String, timeout: Double = 5) throws
        -> WebSocketTestClient {
        try WebSocketTestClient(host: host, port: port, path: path, timeout: timeout, requireUpgrade: false)
    }

    /// Sends raw bytes, for requests that are not WebSockets at all.
    public func sendRaw(_ bytes: [UInt8]) throws {
        try socket.send(bytes)
    }

    public func send(_ message: Message) throws {
        try send(text: message.serialized())
    }

    public func send(text: String) throws {
        try sendFrame(.text, Array(text.utf8))
    }

    /// One frame, masked as clients must unless `masked` is false.
    public func sendFrame(_ opcode: Opcode, _ payload: [UInt8], fin: Bool = true, masked: Bool = true) throws {
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode.rawValue]
        let maskBit: UInt8 = masked ? 0x80 : 0
        switch payload.count {
        case 0..<126:
            frame.append(maskBit | UInt8(payload.count))
        case 126...0xFFFF:
            frame.append(maskBit | 126)
            frame += [UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        default:
            frame.append(maskBit | 127)
            frame += (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(payload.count) >> (UInt64($0) * 8)) }
        }
        if masked {
            let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
            frame += mask
            frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        } else {
            frame += payload
        }
        try socket.send(frame)
    }

    /// Only the header of a frame announcing `length` payload bytes: lets
    /// a test claim a huge message without sending it.
    public func sendFrameHeader(_ opcode: Opcode, announcing length: UInt64) throws {
        var header: [UInt8] = [0x80 | opcode.rawValue, 0x80 | 127]
        header += (0..<8).reversed().map { UInt8(truncatingIfNeeded: length >> (UInt64($0) * 8)) }
        header += [1, 2, 3, 4]
        try socket.send(header)
    }

    /// The next frame; fragments are returned as they come.
    public func receive(timeout: Double? = nil) throws -> WebSocketEvent {
        let deadline = Deadline(seconds: timeout ?? defaultTimeout)
        let header: [UInt8]
        do {
            header = try socket.receive(exactly: 2, before: deadline)
        } catch TestSupportError.connectionClosed {
            return .endOfStream
        }
        var length = UInt64(header[1] & 0x7F)
        if length == 126 {
            length = try socket.receive(exactly: 2, before: deadline).reduce(0) { $0 << 8 | UInt64($1) }
        } else if length == 127 {
            length = try socket.receive(exactly: 8, before: deadline).reduce(0) { $0 << 8 | UInt64($1) }
        }
        let mask = header[1] & 0x80 != 0 ? try socket.receive(exactly: 4, before: deadline) : nil
        var payload = try socket.receive(exactly: Int(length), before: deadline)
        if let mask {
            payload = payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        }
        switch Opcode(rawValue: header[0] & 0x0F) {
        case .text, .continuation: return .text(String(decoding: payload, as: UTF8.self))
        case .binary: return .binary(payload)
        case .ping: return .ping(payload)
        case .pong: return .pong(payload)
        case .close: return .close(code: payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : 1005)
        case nil: throw TestSupportError.protocolViolation("opcode \(header[0] & 0x0F)")
        }
    }

    /// The next frame, which must be a text frame holding a message.
    public func receiveMessage(timeout: Double? = nil) throws -> Message {
        let event = try receive(timeout: timeout)
        guard case .text(let text) = event else {
            throw TestSupportError.protocolViolation("expected a message, got \(event)")
        }
        return try Message(text: text)
    }

    /// Messages until the close frame, which must come before the timeout;
    /// returns them and the close code.
    public func receiveUntilClose(timeout: Double? = nil) throws -> (messages: [Message], closeCode: UInt16) {
        let deadline = Deadline(seconds: timeout ?? defaultTimeout)
        var messages: [Message] = []
        while true {
            switch try receive(timeout: Double(deadline.remainingMilliseconds) / 1000) {
            case .text(let text): messages.append(try Message(text: text))
            case .close(let code): return (messages, code)
            case .endOfStream: throw TestSupportError.connectionClosed("without a close frame")
            case let other: throw TestSupportError.protocolViolation("expected a message or close, got \(other)")
            }
        }
    }

    /// Whether nothing arrives for `seconds`.
    public func isQuiet(for seconds: Double) throws -> Bool {
        do {
            _ = try receive(timeout: seconds)
            return false
        } catch TestSupportError.timedOut {
            return true
        }
    }

    /// True once the server closed the TCP connection.
    public func receivesEndOfStream(timeout: Double? = nil) throws -> Bool {
        try socket.receiveEndOfStream(before: Deadline(seconds: timeout ?? defaultTimeout))
    }

    public func close() {
        socket.close()
    }
}
