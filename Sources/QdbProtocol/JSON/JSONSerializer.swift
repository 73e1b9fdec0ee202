/// Something written out as JSON text the way the original's Python wrote
/// it (`json.dumps` with its defaults): `", "` and `": "` between items,
/// and everything outside ASCII as `\uXXXX`, so that a peer comparing raw
/// text sees the original's bytes.
public protocol JSONWritable {
    /// Appends the JSON text to `output`; lets callers that frame messages
    /// write the body straight after the header.
    func append(to output: inout [UInt8])
}

extension JSONWritable {
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    public func serializedBytes() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        append(to: &output)
        return output
    }
}

extension JSONValue: JSONWritable {
    public func append(to output: inout [UInt8]) {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let value):
            output.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let number):
            output.append(contentsOf: number.text.utf8)
        case .string(let string):
            Self.appendQuoted(string, to: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(contentsOf: Self.itemSeparator) }
                element.append(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { output.append(contentsOf: Self.itemSeparator) }
                Self.appendQuoted(member.key, to: &output)
                output.append(contentsOf: Self.keySeparator)
                member.value.append(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// `json.dumps`'s separators.
    static let itemSeparator = Array(", ".utf8)
    static let keySeparator = Array(": ".utf8)

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Appends `string` in quotes, escaped. The runs between bytes that
    /// need an escape are copied whole: appending byte by byte made this
    /// the serializer's main cost.
    private static func appendQuoted(_ string: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var runStart = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                // Printable ASCII goes as it is; DEL is escaped too, as
                // json.dumps does.
                guard byte < 0x20 || byte >= 0x7F || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                if byte < 0x80 {
                    appendEscaped(byte, to: &output)
                    index += 1
                } else {
                    index += appendEscapedScalar(in: bytes, at: index, to: &output)
                }
                runStart = index
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
        case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
        case 0x0A: output.append(contentsOf: #"\n"#.utf8)
        case 0x0D: output.append(contentsOf: #"\r"#.utf8)
        case 0x09: output.append(contentsOf: #"\t"#.utf8)
        case 0x08: output.append(contentsOf: #"\b"#.utf8)
        case 0x0C: output.append(contentsOf: #"\f"#.utf8)
        default: appendUnicodeEscape(UInt16(byte), to: &output)
        }
    }

    /// The non-ASCII scalar whose UTF-8 starts at `index` (a String's bytes
    /// are valid UTF-8), as `\uXXXX`, or a surrogate pair beyond the BMP.
    /// Returns its length in bytes.
    private static func appendEscapedScalar(
        in bytes: UnsafeBufferPointer<UInt8>, at index: Int, to output: inout [UInt8]
    ) -> Int {
        let lead = bytes[index]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        var scalar = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length {
            scalar = scalar << 6 | UInt32(bytes[index + offset] & 0x3F)
        }
        if scalar > 0xFFFF {
            let value = scalar - 0x10000
            appendUnicodeEscape(UInt16(0xD800 + (value >> 10)), to: &output)
            appendUnicodeEscape(UInt16(0xDC00 + (value & 0x3FF)), to: &output)
        } else {
            appendUnicodeEscape(UInt16(scalar), to: &output)
        }
        return length
    }

    private static func appendUnicodeEscape(_ unit: UInt16, to output: inout [UInt8]) {
        output.append(contentsOf: #"\u"#.utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(hexDigits[Int(unit >> UInt16(shift) & 0xF)])
        }
    }
}
