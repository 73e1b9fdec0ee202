/// A JSON number as its literal text, so that it is re-serialised exactly as
/// it was received. Two numbers are equal when they denote the same value
/// (`1` and `1.0` are equal, as Python's `==` says).
public struct JSONNumber: Hashable, Sendable {
    /// The literal, e.g. `-12`, `3.5e10`; also `NaN`, `Infinity` and
    /// `-Infinity`, which Python's json module reads and writes.
    public let text: String

    /// Wraps a literal the parser has already validated.
    init(validatedText text: String) {
        self.text = text
    }

    /// A number from its literal; nil unless `literal` is a JSON number.
    public init?(literal: String) {
        guard case .number(let number)? = try? JSONParser.parse(literal) else { return nil }
        self = number
    }

    public init(_ value: Int) {
        text = String(value)
    }

    public init(_ value: Double) {
        if value.isNaN {
            text = "NaN"
        } else if value.isInfinite {
            text = value < 0 ? "-Infinity" : "Infinity"
        } else if value == value.rounded(), abs(value) < 1e16 {
            // Keep the fraction so the number reads back as a float.
            text = String(Int(value)) + ".0"
        } else {
            text = String(value)
        }
    }

    /// True when the literal has no fraction and no exponent.
    public var isInteger: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e")
            || $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "N") || $0 == UInt8(ascii: "I") }
    }

    public var intValue: Int? {
        isInteger ? Int(text) : nil
    }

    public var doubleValue: Double {
        switch text {
        case "NaN": return .nan
        case "Infinity": return .infinity
        case "-Infinity": return -.infinity
        default: return Double(text) ?? .nan
        }
    }

    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        if lhs.text == rhs.text { return true }
        if lhs.isInteger && rhs.isInteger, let left = lhs.intValue, let right = rhs.intValue {
            return left == right
        }
        return lhs.doubleValue == rhs.doubleValue
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(doubleValue)
    }
}
