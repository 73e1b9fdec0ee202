/// One protocol message, `{"e": EVENT, "p": PAYLOAD}`, the unit of every
/// exchange between client, server and tracer.
///
/// `event` is a `JSONValue` rather than a `String` because the server
/// forwards whatever a client sends, a non-string `e` included, and the
/// tracer answers that with an error instead of dying.
public struct Message: Hashable, Sendable {
    public var event: JSONValue
    public var payload: JSONValue

    public init(_ name: String, _ payload: JSONValue = .null) {
        self.event = .string(name)
        self.payload = payload
    }

    public init(event: JSONValue, payload: JSONValue) {
        self.event = event
        self.payload = payload
    }

    /// The event name, when `e` is a string.
    public var name: String? { event.stringValue }

    /// Reads a message from a decoded document: extra keys are dropped and
    /// a missing `p` means null.
    public init(json: JSONValue) throws(MessageError) {
        guard case .object(let object) = json else { throw .notAnObject(json) }
        guard let event = object["e"] else { throw .missingEvent }
        self.init(event: event, payload: object["p"] ?? .null)
    }

    /// Reads a message from UTF-8 JSON text.
    public init(bytes: some Collection<UInt8>) throws(MessageError) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw .invalidJSON(error)
        }
        try self.init(json: json)
    }

    public init(text: String) throws(MessageError) {
        try self.init(bytes: Array(text.utf8))
    }

    /// Exactly `{"e","p"}`: how every peer re-serialises what it forwards.
    public var json: JSONValue {
        .object(JSONObject([("e", event), ("p", payload)]))
    }

    /// Appends `{"e": …, "p": …}` to `output`. Relays call this for every
    /// message they forward, so it writes the two members directly instead
    /// of building a `JSONObject` first.
    public func append(to output: inout [UInt8]) {
        output.append(contentsOf: #"{"e": "#.utf8)
        event.append(to: &output)
        output.append(contentsOf: #", "p": "#.utf8)
        payload.append(to: &output)
        output.append(UInt8(ascii: "}"))
    }
}

extension Message: JSONWritable {}

/// Why a frame is not a protocol message.
public enum MessageError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidJSON(JSONParseError)
    /// JSON, but not an object.
    case notAnObject(JSONValue)
    case missingEvent

    /// The text peers send back in an `event` error; "No 'e' field sent" is
    /// the protocol's fixed wording.
    public var description: String {
        switch self {
        case .invalidJSON(let error): error.description
        case .notAnObject(let value): Self.notSubscriptable(value)
        case .missingEvent: "No 'e' field sent"
        }
    }

    /// What the original said, having parsed such a frame with Python's
    /// `json` and then taken `message['e']`.
    private static func notSubscriptable(_ value: JSONValue) -> String {
        switch value {
        case .array: "list indices must be integers or slices, not str"
        case .string: "string indices must be integers, not 'str'"
        case .number(let number): "'\(number.isInteger ? "int" : "float")' object is not subscriptable"
        case .bool: "'bool' object is not subscriptable"
        case .null, .object: "'NoneType' object is not subscriptable"
        }
    }
}
