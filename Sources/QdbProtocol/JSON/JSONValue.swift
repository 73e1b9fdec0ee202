/// A JSON document, kept exactly: numbers keep their literal text and
/// objects keep their key order, so a payload that passes through the
/// server or the tracer comes out as it went in.
///
/// qdb uses its own JSON rather than Foundation's so that the tracer, which
/// is loaded into the user's Python process, carries no Foundation, and so
/// that numbers round-trip exactly (`1.0` stays `1.0`, big integers stay
/// exact).
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The value as an `Int` when it is a JSON number holding an integer
    /// that fits.
    public var intValue: Int? {
        if case .number(let number) = self { return number.intValue }
        return nil
    }

    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member `key` of an object; `nil` for a missing key or a value
    /// that is not an object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// `nil` for JSON null, the value otherwise: "absent or null" is how
    /// the protocol spells "not given" for optional fields.
    public var nonNull: JSONValue? {
        isNull ? nil : self
    }
}

extension JSONValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension JSONValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
}

extension JSONValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
}

extension JSONValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension JSONValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
}

extension JSONValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(JSONObject(elements))
    }
}

extension JSONValue {
    public init(_ value: Int) { self = .number(JSONNumber(value)) }
    public init(_ value: String) { self = .string(value) }
    public init(_ value: Bool) { self = .bool(value) }

    /// `.null` for `nil`, the string otherwise.
    public init(_ value: String?) { self = value.map(JSONValue.string) ?? .null }

    /// `.null` for `nil`, the integer otherwise.
    public init(_ value: Int?) { self = value.map { .number(JSONNumber($0)) } ?? .null }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text.
    public var description: String { serialized() }
}
