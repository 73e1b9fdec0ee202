/// The tracer link's framing: a 4-byte signed big-endian length, then that
/// many bytes of UTF-8 JSON. Lengths that are negative or above the limit
/// are refused before anything is allocated for them.
public enum TracerFraming {
    public static let headerBytes = 4
    public static let defaultMaximumFrameBytes = 16 * 1024 * 1024

    /// The frame for `body`: header followed by the body.
    public static func frame(_ body: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(headerBytes + body.count)
        appendHeader(length: body.count, to: &output)
        output.append(contentsOf: body)
        return output
    }

    /// The frame carrying `message`.
    public static func frame(_ message: Message) -> [UInt8] {
        frame(message.serializedBytes())
    }

    public static func appendHeader(length: Int, to output: inout [UInt8]) {
        let length = UInt32(truncatingIfNeeded: length)
        for shift in stride(from: 24, through: 0, by: -8) {
            output.append(UInt8(truncatingIfNeeded: length >> UInt32(shift)))
        }
    }

    /// Reads a header's length and checks it against `maximum`.
    public static func bodyLength(header: (UInt8, UInt8, UInt8, UInt8), maximum: Int) throws(FrameError) -> Int {
        let raw = UInt32(header.0) << 24 | UInt32(header.1) << 16 | UInt32(header.2) << 8 | UInt32(header.3)
        return try validate(length: Int32(bitPattern: raw), maximum: maximum)
    }

    public static func validate(length: Int32, maximum: Int) throws(FrameError) -> Int {
        guard length >= 0 else { throw .negativeLength(length) }
        guard Int(length) <= maximum else { throw .tooLarge(length: Int(length), maximum: maximum) }
        return Int(length)
    }
}

public enum FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    case negativeLength(Int32)
    case tooLarge(length: Int, maximum: Int)

    public var description: String {
        switch self {
        case .negativeLength(let length):
            "Invalid frame length \(length): negative"
        case .tooLarge(let length, let maximum):
            "Frame of \(length) bytes exceeds the limit of \(maximum) bytes"
        }
    }
}

/// Splits a byte stream into frame bodies, for peers that read a socket
/// themselves (the tracer, tests); the server uses NIO's decoder around the
/// same checks.
public struct FrameDecoder: Sendable {
    public let maximumFrameBytes: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0

    public init(maximumFrameBytes: Int = TracerFraming.defaultMaximumFrameBytes) {
        self.maximumFrameBytes = maximumFrameBytes
    }

    /// Bytes received but not yet returned as frames.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if readIndex > 0, readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame body, or nil until more bytes arrive.
    public mutating func nextFrame() throws(FrameError) -> [UInt8]? {
        guard bufferedByteCount >= TracerFraming.headerBytes else { return nil }
        let header = (buffer[readIndex], buffer[readIndex + 1], buffer[readIndex + 2], buffer[readIndex + 3])
        let length = try TracerFraming.bodyLength(header: header, maximum: maximumFrameBytes)
        guard bufferedByteCount >= TracerFraming.headerBytes + length else { return nil }
        let start = readIndex + TracerFraming.headerBytes
        readIndex = start + length
        return Array(buffer[start..<readIndex])
    }
}
