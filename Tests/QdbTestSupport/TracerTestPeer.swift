import QdbProtocol

/// What a raw tracer peer receives.
public enum TracerPeerEvent: Equatable, Sendable {
    case message(Message)
    /// A frame that is not a protocol message.
    case malformed(String)
    /// The server closed the connection.
    case endOfStream
}

/// A tracer as the server sees one, without a program: it speaks the
/// tracer link's framing (4-byte signed big-endian length, then JSON)
/// over a blocking socket. Every receive waits until a timeout at most.
///
/// ```swift
/// let tracer = try TracerTestPeer(port: server.tracerPort)
/// try tracer.send(TracerTestPeer.start(uuid: "u1"))
/// ```
public final class TracerTestPeer {
    private let socket: BlockingSocket
    private let defaultTimeout: Double

    public init(host: String = "127.0.0.1", port: Int, timeout: Double = 5) throws {
        socket = try BlockingSocket(host: host, port: port, timeout: timeout)
        defaultTimeout = timeout
    }

    /// A tracer's start message; `local` is `[pid, signal]`, `[0, 0]` for
    /// a remote tracer.
    public static func start(uuid: String, auth: String = "", local: (Int32, Int32) = (0, 0)) -> Message {
        Message("start", ["uuid": .string(uuid), "auth": .string(auth), "local": [JSONValue(Int(local.0)), JSONValue(Int(local.1))]])
    }

    public func send(_ message: Message) throws {
        try socket.send(TracerFraming.frame(message))
    }

    /// A frame holding `text` as is, JSON or not.
    public func send(text: String) throws {
        try socket.send(TracerFraming.frame(Array(text.utf8)))
    }

    /// Bytes as they are: broken or partial frames.
    public func sendRaw(_ bytes: [UInt8]) throws {
        try socket.send(bytes)
    }

    public func receive(timeout: Double? = nil) throws -> TracerPeerEvent {
        let deadline = Deadline(seconds: timeout ?? defaultTimeout)
        let header: [UInt8]
        do {
            header = try socket.receive(exactly: TracerFraming.headerBytes, before: deadline)
        } catch TestSupportError.connectionClosed {
            return .endOfStream
        }
        let length = try TracerFraming.bodyLength(header: (header[0], header[1], header[2], header[3]), maximum: .max)
        let body = try socket.receive(exactly: length, before: deadline)
        guard let message = try? Message(bytes: body) else {
            return .malformed(String(decoding: body, as: UTF8.self))
        }
        return .message(message)
    }

    /// The next frame, which must be a message.
    public func receiveMessage(timeout: Double? = nil) throws -> Message {
        let event = try receive(timeout: timeout)
        guard case .message(let message) = event else {
            throw TestSupportError.protocolViolation("expected a message, got \(event)")
        }
        return message
    }

    /// Messages until the server closes the connection, which must happen
    /// before the timeout.
    public func receiveUntilEndOfStream(timeout: Double? = nil) throws -> [Message] {
        let deadline = Deadline(seconds: timeout ?? defaultTimeout)
        var messages: [Message] = []
        while true {
            switch try receive(timeout: Double(deadline.remainingMilliseconds) / 1000) {
            case .message(let message): messages.append(message)
            case .endOfStream: return messages
            case .malformed(let text): throw TestSupportError.protocolViolation("malformed frame \(text)")
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

    public func close() {
        socket.close()
    }
}
