import QdbProtocol

/// Reads the Python literals a user types in a breakpoint dict
/// (`b {'file': 'x.py', 'line': 3, 'temp': True}`), the original client's
/// `ast.literal_eval`, as JSON: dicts with string keys, lists and tuples,
/// strings in either quote style with their escapes (and `r` prefixes),
/// integers, floats, `True`, `False` and `None`.
public enum PythonLiteral {
    public static func parse(_ text: String) throws(PythonLiteralError) -> JSONValue {
        var reader = Reader(Array(text.unicodeScalars))
        reader.skipWhitespace()
        let value = try reader.value(depth: 0)
        reader.skipWhitespace()
        guard reader.isAtEnd else { throw reader.error("unexpected text after the literal") }
        return value
    }
}

/// Why a text is not a literal; `column` is 1-based.
public struct PythonLiteralError: Error, Hashable, Sendable, CustomStringConvertible {
    public let reason: String
    public let column: Int

    public var description: String { "\(reason) (column \(column))" }
}

private struct Reader {
    /// Nesting deeper than a breakpoint dict could need is refused, so that
    /// pasted garbage cannot exhaust the stack.
    static let maximumDepth = 64

    private let scalars: [Unicode.Scalar]
    private var position = 0

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    var isAtEnd: Bool { position == scalars.count }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    func error(_ reason: String) -> PythonLiteralError {
        PythonLiteralError(reason: reason, column: position + 1)
    }

    mutating func skipWhitespace() {
        while let scalar = current, scalar.properties.isWhitespace {
            position += 1
        }
    }

    mutating func value(depth: Int) throws(PythonLiteralError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw error("nested too deeply") }
        guard let scalar = current else { throw error("expected a value") }
        switch scalar {
        case "{": return try dict(depth: depth + 1)
        case "[": return .array(try sequence(closing: "]", depth: depth + 1))
        case "(": return .array(try sequence(closing: ")", depth: depth + 1))
        case "'", "\"": return .string(try string(raw: false))
        case "-", "+", "0"..."9", ".": return try number()
        default:
            let word = identifier()
            switch word {
            case "True": return true
            case "False": return false
            case "None": return .null
            case "r", "R", "u", "U":
                guard current == "'" || current == "\"" else { break }
                return .string(try string(raw: word == "r" || word == "R"))
            default: break
            }
            position -= word.unicodeScalars.count
            throw error(word.isEmpty ? "expected a value" : "'\(word)' is not a literal")
        }
    }

    private mutating func identifier() -> String {
        var word = String.UnicodeScalarView()
        while let scalar = current, scalar.properties.isAlphabetic || scalar == "_" || ("0"..."9").contains(scalar) {
            word.append(scalar)
            position += 1
        }
        return String(word)
    }

    private mutating func expect(_ scalar: Unicode.Scalar) throws(PythonLiteralError) {
        skipWhitespace()
        guard current == scalar else { throw error("expected '\(scalar)'") }
        position += 1
    }

    private mutating func dict(depth: Int) throws(PythonLiteralError) -> JSONValue {
        position += 1  // {
        var pairs: [(String, JSONValue)] = []
        while true {
            skipWhitespace()
            if current == "}" { break }
            let keyStart = position
            guard case .string(let key) = try value(depth: depth) else {
                position = keyStart
                throw error("dict keys must be strings")
            }
            try expect(":")
            skipWhitespace()
            pairs.append((key, try value(depth: depth)))
            skipWhitespace()
            guard current == "," else { break }
            position += 1
        }
        try expect("}")
        return .object(JSONObject(pairs))
    }

    private mutating func sequence(closing: Unicode.Scalar, depth: Int) throws(PythonLiteralError) -> [JSONValue] {
        position += 1  // [ or (
        var elements: [JSONValue] = []
        while true {
            skipWhitespace()
            if current == closing { break }
            elements.append(try value(depth: depth))
            skipWhitespace()
            guard current == "," else { break }
            position += 1
        }
        try expect(closing)
        return elements
    }

    private mutating func number() throws(PythonLiteralError) -> JSONValue {
        let start = position
        var text = ""
        if let sign = current, sign == "-" || sign == "+" {
            if sign == "-" { text = "-" }
            position += 1
        }
        var isFloat = false
        while let scalar = current {
            let afterExponent = text.last == "e" || text.last == "E"
            switch scalar {
            case "0"..."9": text.unicodeScalars.append(scalar)
            case "_": break  // digit grouping, as in 1_000
            case ".", "e", "E":
                isFloat = true
                text.unicodeScalars.append(scalar)
            case "-" where afterExponent, "+" where afterExponent:
                text.unicodeScalars.append(scalar)
            default:
                return try finishNumber(text, isFloat: isFloat, start: start)
            }
            position += 1
        }
        return try finishNumber(text, isFloat: isFloat, start: start)
    }

    private mutating func finishNumber(_ text: String, isFloat: Bool, start: Int) throws(PythonLiteralError) -> JSONValue {
        if isFloat, let value = Double(text), value.isFinite {
            return .number(JSONNumber(value))
        }
        if !isFloat, let value = Int(text) {
            return JSONValue(value)
        }
        position = start
        throw error("malformed number")
    }

    private mutating func string(raw: Bool) throws(PythonLiteralError) -> String {
        let start = position
        guard let quote = current else { throw error("expected a string") }
        position += 1
        var result = String.UnicodeScalarView()
        while let scalar = current {
            position += 1
            switch scalar {
            case quote:
                return String(result)
            case "\n":
                position = start
                throw error("unterminated string")
            case "\\" where raw:
                // A raw string keeps the backslash, and it still protects a quote.
                result.append(scalar)
                if let next = current {
                    result.append(next)
                    position += 1
                }
            case "\\":
                try appendEscape(to: &result)
            default:
                result.append(scalar)
            }
        }
        position = start
        throw error("unterminated string")
    }

    /// Python's string escapes; an unknown one keeps its backslash, as
    /// Python does.
    private mutating func appendEscape(to result: inout String.UnicodeScalarView) throws(PythonLiteralError) {
        guard let code = current else { return }
        position += 1
        let simple: Unicode.Scalar? = switch code {
        case "\\", "'", "\"": code
        case "n": "\n"
        case "t": "\t"
        case "r": "\r"
        case "a": "\u{07}"
        case "b": "\u{08}"
        case "f": "\u{0C}"
        case "v": "\u{0B}"
        default: nil
        }
        if let simple {
            result.append(simple)
            return
        }
        switch code {
        case "\n":
            return  // a backslash before a newline joins the lines
        case "x":
            result.append(try hexEscape(digits: 2))
        case "u":
            result.append(try hexEscape(digits: 4))
        case "U":
            result.append(try hexEscape(digits: 8))
        case "0"..."7":
            var value = code.value - 48
            for _ in 0..<2 {
                guard let digit = current, ("0"..."7").contains(digit) else { break }
                value = value * 8 + digit.value - 48
                position += 1
            }
            result.append(Unicode.Scalar(value) ?? "\u{FFFD}")
        default:
            result.append("\\")
            result.append(code)
        }
    }

    private mutating func hexEscape(digits: Int) throws(PythonLiteralError) -> Unicode.Scalar {
        let end = position + digits
        guard end <= scalars.count,
              let value = UInt32(String(String.UnicodeScalarView(scalars[position..<end])), radix: 16),
              let scalar = Unicode.Scalar(value)
        else { throw error("malformed \\x, \\u or \\U escape") }
        position = end
        return scalar
    }
}
