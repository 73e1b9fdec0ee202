import QdbProtocol

/// The Debug Adapter Protocol's base framing: `Content-Length: N` header
/// lines ended by an empty line (`\r\n\r\n`), then N bytes of UTF-8 JSON.
public enum DAPFraming {
    /// Larger bodies are refused before anything is buffered for them.
    public static let maximumBodyBytes = 16 * 1024 * 1024
    /// A header longer than this is not DAP.
    static let maximumHeaderBytes = 1024

    public static func frame(_ body: JSONValue) -> [UInt8] {
        let bytes = body.serializedBytes()
        return Array("Content-Length: \(bytes.count)\r\n\r\n".utf8) + bytes
    }
}

/// What a DAP byte stream holds next.
public enum DAPFrame: Hashable, Sendable {
    case message(JSONValue)
    /// A body that is not a JSON object: the reason. The stream goes on
    /// after it.
    case malformed(String)
}

public enum DAPFramingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The header has no usable Content-Length, or is too long: the
    /// stream cannot be resynchronised.
    case badHeader(String)
    case tooLarge(Int)

    public var description: String {
        switch self {
        case .badHeader(let reason): "malformed DAP header: \(reason)"
        case .tooLarge(let length): "DAP message of \(length) bytes exceeds the limit of \(DAPFraming.maximumBodyBytes)"
        }
    }
}

/// Splits a DAP byte stream into messages as bytes arrive.
public struct DAPFrameReader: Sendable {
    private var buffer: [UInt8] = []
    private var bodyLength: Int?

    public init() {}

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil until more bytes arrive.
    public mutating func next() throws(DAPFramingError) -> DAPFrame? {
        if bodyLength == nil {
            guard let end = Self.headerEnd(in: buffer) else {
                if buffer.count > DAPFraming.maximumHeaderBytes {
                    throw .badHeader("no end of header in \(buffer.count) bytes")
                }
                return nil
            }
            bodyLength = try Self.contentLength(String(decoding: buffer[..<end], as: UTF8.self))
            buffer.removeFirst(end + 4)
        }
        guard let length = bodyLength, buffer.count >= length else { return nil }
        let body = buffer[..<length]
        defer {
            buffer.removeFirst(length)
            bodyLength = nil
        }
        do throws(JSONParseError) {
            let json = try JSONParser.parse(body)
            guard json.objectValue != nil else { return .malformed("a DAP message must be a JSON object") }
            return .message(json)
        } catch {
            return .malformed("invalid JSON: \(error)")
        }
    }

    private static func headerEnd(in bytes: [UInt8]) -> Int? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard bytes.count >= 4 else { return nil }
        return (0...(bytes.count - 4)).first { bytes[$0..<$0 + 4].elementsEqual(terminator) }
    }

    /// Header fields other than Content-Length are allowed and ignored,
    /// as the specification says.
    private static func contentLength(_ header: String) throws(DAPFramingError) -> Int {
        for line in header.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingWhitespace().lowercased() == "content-length" else { continue }
            guard let length = Int(parts[1].trimmingWhitespace()), length >= 0 else {
                throw .badHeader("Content-Length '\(parts[1].trimmingWhitespace())' is not a length")
            }
            guard length <= DAPFraming.maximumBodyBytes else { throw .tooLarge(length) }
            return length
        }
        throw .badHeader("no Content-Length")
    }
}
