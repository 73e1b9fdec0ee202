/// Why a text is not JSON, worded like Python's json module so that the
/// `data` of an `event` error reads familiar: "Expecting value: line 1
/// column 1 (char 0)".
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String
    /// Byte offset of the problem.
    public let offset: Int
    public let line: Int
    public let column: Int

    public var description: String {
        "\(reason): line \(line) column \(column) (char \(offset))"
    }
}

/// A strict RFC 8259 parser over UTF-8 bytes, plus the `NaN`, `Infinity`
/// and `-Infinity` literals that Python's json module reads and writes.
/// Nesting is limited so that hostile input cannot exhaust the stack.
public struct JSONParser {
    public static let maximumDepth = 512

    /// Parses one JSON document; anything but whitespace after it is an
    /// error ("Extra data").
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parse(UnsafeRawBufferPointer(buffer))
        }
        if let result { return try result.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { parse($0) }.get()
    }

    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var text = text
        return try text.withUTF8 { parse(UnsafeRawBufferPointer($0)) }.get()
    }

    private static func parse(_ bytes: UnsafeRawBufferPointer) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes: bytes)
        do throws(JSONParseError) {
            parser.skipWhitespace()
            let value = try parser.parseValue(depth: 0)
            parser.skipWhitespace()
            if parser.position != bytes.count {
                throw parser.error("Extra data")
            }
            return .success(value)
        } catch {
            return .failure(error)
        }
    }

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    /// The text of the string being read, when it has escapes.
    private var unescaped: [UInt8] = []

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private var current: UInt8? {
        position < bytes.count ? bytes[position] : nil
    }

    private func error(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        let offset = offset ?? position
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = index + 1
        }
        return JSONParseError(reason: reason, offset: offset, line: line, column: offset - lineStart + 1)
    }

    private mutating func skipWhitespace() {
        while let byte = current,
              byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t") {
            position += 1
        }
    }

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard let byte = current else { throw error("Expecting value") }
        switch byte {
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "N"):
            try expectLiteral("NaN")
            return .number(JSONNumber(validatedText: "NaN"))
        case UInt8(ascii: "I"):
            try expectLiteral("Infinity")
            return .number(JSONNumber(validatedText: "Infinity"))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error("Expecting value")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("Expecting value") }
        let start = literal.utf8Start
        for index in 0..<count where bytes[position + index] != start[index] {
            throw error("Expecting value")
        }
        position += count
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw error("Nesting too deep") }
        position += 1  // {
        var members: [JSONObject.Member] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject())
        }
        // Protocol objects have a few members: room for four at once saves
        // the reallocations of growing one by one.
        members.reserveCapacity(4)
        while true {
            skipWhitespace()
            guard current == UInt8(ascii: "\"") else {
                throw error("Expecting property name enclosed in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else { throw error("Expecting ':' delimiter") }
            position += 1
            skipWhitespace()
            members.append(JSONObject.Member(key: key, value: try parseValue(depth: depth)))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "}"):
                position += 1
                return .object(JSONObject(uniquing: members))
            default:
                throw error("Expecting ',' delimiter")
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth <= Self.maximumDepth else { throw error("Nesting too deep") }
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            switch current {
            case UInt8(ascii: ","):
                position += 1
            case UInt8(ascii: "]"):
                position += 1
                return .array(elements)
            default:
                throw error("Expecting ',' delimiter")
            }
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = position
        if current == UInt8(ascii: "-") {
            position += 1
            if current == UInt8(ascii: "I") {
                try expectLiteral("Infinity")
                return JSONNumber(validatedText: "-Infinity")
            }
        }
        guard let first = current, isDigit(first) else { throw error("Expecting value", at: start) }
        position += 1
        if first != UInt8(ascii: "0") {
            skipDigits()
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard let digit = current, isDigit(digit) else { throw error("Expecting fraction digits") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") {
                position += 1
            }
            guard let digit = current, isDigit(digit) else { throw error("Expecting exponent digits") }
            skipDigits()
        }
        let literal = UnsafeRawBufferPointer(rebasing: bytes[start..<position])
        return JSONNumber(validatedText: String(decoding: literal, as: UTF8.self))
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while let byte = current, isDigit(byte) {
            position += 1
        }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        let start = position
        position += 1  // opening quote
        let contentStart = position
        // Fast path: no escapes, so the bytes between the quotes are the
        // string. The bits of the bytes taken as they are get OR-ed
        // together on the way: a clear top bit means ASCII, which is valid
        // UTF-8, so only other text needs `String(validating:)` (which
        // looks up generic metadata at run time on every call, a large
        // share of the parser's time before this check).
        var orOfBytes: UInt8 = 0
        while let byte = current, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") {
            guard byte >= 0x20 else { throw error("Invalid control character at") }
            orOfBytes |= byte
            position += 1
        }
        guard let stop = current else { throw error("Unterminated string starting at", at: start) }
        if stop == UInt8(ascii: "\"") {
            let content = UnsafeRawBufferPointer(rebasing: bytes[contentStart..<position])
            position += 1
            return try string(content, isASCII: orOfBytes < 0x80, start: contentStart)
        }
        // Escapes (program output has a `\n` in nearly every message):
        // unescaped into a buffer that every string of the document reuses.
        unescaped.removeAll(keepingCapacity: true)
        unescaped.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[contentStart..<position]))
        while true {
            guard let byte = current else { throw error("Unterminated string starting at", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                // What escapes produce is valid UTF-8 already.
                return try string(unescaped, isASCII: orOfBytes < 0x80, start: contentStart)
            case UInt8(ascii: "\\"):
                try unescapeOne()
            case ..<0x20:
                throw error("Invalid control character at")
            default:
                orOfBytes |= byte
                unescaped.append(byte)
                position += 1
            }
        }
    }

    /// The string of UTF-8 `bytes`; unless they are known to be ASCII, they
    /// are checked, and bytes that are not UTF-8 are an error.
    private func string(_ bytes: some Collection<UInt8>, isASCII: Bool, start: Int) throws(JSONParseError) -> String {
        if isASCII {
            return String(decoding: bytes, as: UTF8.self)
        }
        return try validatedUTF8(bytes, start: start)
    }

    private func validatedUTF8(_ bytes: some Sequence<UInt8>, start: Int) throws(JSONParseError) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw error("Invalid UTF-8 in string", at: start)
        }
        return string
    }

    /// Reads one escape and appends what it stands for to `unescaped`.
    private mutating func unescapeOne() throws(JSONParseError) {
        let escapeStart = position
        position += 1  // backslash
        guard let code = current else { throw error("Unterminated string starting at", at: escapeStart) }
        position += 1
        let simple: UInt8? = switch code {
        case UInt8(ascii: "\""): UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): UInt8(ascii: "\\")
        case UInt8(ascii: "/"): UInt8(ascii: "/")
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
        if let simple {
            unescaped.append(simple)
            return
        }
        guard code == UInt8(ascii: "u") else { throw error("Invalid \\escape", at: escapeStart) }
        var scalar = try parseHex4()
        if (0xD800..<0xDC00).contains(scalar), current == UInt8(ascii: "\\"),
           position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") {
            let save = position
            position += 2
            let low = try parseHex4()
            if (0xDC00..<0xE000).contains(low) {
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
                position = save
            }
        }
        // A lone surrogate cannot live in a Swift string: it becomes U+FFFD.
        let unicode = Unicode.Scalar(scalar) ?? "\u{FFFD}"
        unescaped.append(contentsOf: String(Character(unicode)).utf8)
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("Invalid \\uXXXX escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("Invalid \\uXXXX escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }
}
