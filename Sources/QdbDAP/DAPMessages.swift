import QdbProtocol

/// A request from the editor.
public struct DAPRequest: Hashable, Sendable {
    public var seq: Int
    public var command: String
    public var arguments: JSONValue

    public init(seq: Int, command: String, arguments: JSONValue = .null) {
        self.seq = seq
        self.command = command
        self.arguments = arguments
    }

    /// Nil for a message that is not a request (the editor sends nothing
    /// else the adapter needs).
    public init?(json: JSONValue) {
        guard json["type"]?.stringValue == "request", let seq = json["seq"]?.intValue,
              let command = json["command"]?.stringValue
        else { return nil }
        self.init(seq: seq, command: command, arguments: json["arguments"] ?? .null)
    }

    public var json: JSONValue {
        ["seq": JSONValue(seq), "type": "request", "command": .string(command), "arguments": arguments]
    }
}

/// What the adapter sends the editor. The writer numbers them (`seq`).
public enum DAPOutgoing: Hashable, Sendable {
    case response(DAPResponse)
    case event(String, body: JSONValue?)

    public func json(seq: Int) -> JSONValue {
        switch self {
        case .response(let response):
            var members: [(String, JSONValue)] = [
                ("seq", JSONValue(seq)), ("type", "response"), ("request_seq", JSONValue(response.requestSeq)),
                ("success", .bool(response.success)), ("command", .string(response.command)),
            ]
            if let message = response.message {
                members.append(("message", .string(message)))
            }
            if let body = response.body {
                members.append(("body", body))
            }
            return .object(JSONObject(members))
        case .event(let name, let body):
            return ["seq": JSONValue(seq), "type": "event", "event": .string(name), "body": body ?? [:]]
        }
    }
}

public struct DAPResponse: Hashable, Sendable {
    public var requestSeq: Int
    public var command: String
    public var success: Bool
    /// Why it failed, shown to the user.
    public var message: String?
    public var body: JSONValue?

    /// Every response and event carries a body, if only an empty one:
    /// the specification allows leaving it out, but some clients (dap-python)
    /// do not.
    public static func success(_ request: DAPRequest, _ body: JSONValue? = nil) -> DAPResponse {
        DAPResponse(requestSeq: request.seq, command: request.command, success: true, body: body ?? [:])
    }

    /// `message` is what editors show. The body's `error` is left out:
    /// its `format` would read braces in the message as placeholders.
    public static func failure(_ request: DAPRequest, _ message: String) -> DAPResponse {
        DAPResponse(requestSeq: request.seq, command: request.command, success: false, message: message, body: [:])
    }
}
