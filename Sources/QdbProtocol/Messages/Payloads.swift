/// The typed payloads of the protocol (`docs/protocol.md`). Each knows
/// its JSON shape both ways; `init?(json:)` returns nil for a payload of the
/// wrong shape, which receivers treat as an unknown message rather than a
/// crash.

/// `{"file","line","temp","cond","func"}`: a breakpoint as the tracer echoes
/// it in `breakpoints`. `temp` stays null unless the client sent it.
public struct BreakpointInfo: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var temporary: Bool?
    public var condition: String?
    public var function: String?

    public init(file: String, line: Int, temporary: Bool? = nil, condition: String? = nil, function: String? = nil) {
        self.file = file
        self.line = line
        self.temporary = temporary
        self.condition = condition
        self.function = function
    }

    public init?(json: JSONValue) {
        guard let file = json["file"]?.stringValue, let line = json["line"]?.intValue else { return nil }
        self.init(
            file: file, line: line, temporary: json["temp"]?.boolValue,
            condition: json["cond"]?.stringValue, function: json["func"]?.stringValue)
    }

    public var json: JSONValue {
        [
            "file": .string(file), "line": JSONValue(line), "temp": temporary.map(JSONValue.bool) ?? .null,
            "cond": JSONValue(condition), "func": JSONValue(function),
        ]
    }
}

/// One frame of a `stack`: `{"file","line","func","code"}`.
public struct StackFrame: Hashable, Sendable {
    public var file: String
    public var line: Int
    public var function: String
    /// The source line with its indentation, without the newline.
    public var code: String

    public init(file: String, line: Int, function: String, code: String) {
        self.file = file
        self.line = line
        self.function = function
        self.code = code
    }

    public init?(json: JSONValue) {
        guard let file = json["file"]?.stringValue, let line = json["line"]?.intValue,
              let function = json["func"]?.stringValue
        else { return nil }
        self.init(file: file, line: line, function: function, code: json["code"]?.stringValue ?? "")
    }

    public var json: JSONValue {
        ["file": .string(file), "line": JSONValue(line), "func": .string(function), "code": .string(code)]
    }
}

/// The `stack` payload: frames outermost first, `index` the selected one,
/// and (an extension) the thread that stopped, present whenever the
/// program has more than one thread or stopped outside its main thread.
public struct Stack: Hashable, Sendable {
    public var index: Int
    public var frames: [StackFrame]
    public var thread: ThreadInfo?
    /// Extension: a stop that its breakpoint's `silent` commands left
    /// stopped, which pdb does not print (key `silent`, present only when
    /// true).
    public var isSilent: Bool
    /// Extension: why the program stopped, on the `stack` that announces a
    /// new stop (key `stop`); absent when the stack is shown again.
    public var stop: StopReason?

    public init(
        index: Int, frames: [StackFrame], thread: ThreadInfo? = nil, isSilent: Bool = false, stop: StopReason? = nil
    ) {
        self.index = index
        self.frames = frames
        self.thread = thread
        self.isSilent = isSilent
        self.stop = stop
    }

    public init?(json: JSONValue) {
        guard let index = json["index"]?.intValue, let list = json["stack"]?.arrayValue else { return nil }
        let frames = list.compactMap(StackFrame.init(json:))
        guard frames.count == list.count else { return nil }
        self.init(
            index: index, frames: frames, thread: json["thread"].flatMap(ThreadInfo.init(json:)),
            isSilent: json["silent"]?.boolValue ?? false, stop: json["stop"].flatMap(StopReason.init(json:)))
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("index", JSONValue(index)), ("stack", .array(frames.map(\.json)))]
        if let thread {
            members.append(("thread", thread.json))
        }
        if isSilent {
            members.append(("silent", true))
        }
        if let stop {
            members.append(("stop", stop.json))
        }
        return .object(JSONObject(members))
    }

    public var selectedFrame: StackFrame? {
        frames.indices.contains(index) ? frames[index] : nil
    }
}

/// Why a stop happened (the `stop` key of `stack`): `{"reason": R}`,
/// with `"breakpoint": N` when a numbered breakpoint stopped it, and at a
/// return stop `"value"`: the returned value as pdb shows it after `->`.
public struct StopReason: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable {
        /// A line stop that no breakpoint made: a step, a pause, the first
        /// stop of `set_trace`.
        case line
        case breakpoint
        /// `return` stepped out to the end of a frame.
        case `return`
        /// `step` reached the start of a function (with `call_stops` on).
        case call
        /// An exception `catch` stops at, or one met while stepping.
        case exception
        /// An exception nothing caught (pdb's post mortem).
        case postMortem = "post_mortem"
    }

    public var kind: Kind
    public var breakpoint: Int?
    /// At a return stop, `reprlib.repr` of the returned value.
    public var value: String?

    public init(_ kind: Kind, breakpoint: Int? = nil, value: String? = nil) {
        self.kind = kind
        self.breakpoint = breakpoint
        self.value = value
    }

    public init?(json: JSONValue) {
        guard let kind = json["reason"]?.stringValue.flatMap(Kind.init(rawValue:)) else { return nil }
        self.init(kind, breakpoint: json["breakpoint"]?.intValue, value: json["value"]?.stringValue)
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("reason", .string(kind.rawValue))]
        if let breakpoint {
            members.append(("breakpoint", JSONValue(breakpoint)))
        }
        if let value {
            members.append(("value", .string(value)))
        }
        return .object(JSONObject(members))
    }
}

/// One `watchlist` entry: `{"expr","exc","value"}`. `exception` is the
/// exception class name when evaluating failed, and `value` is then the
/// text `"<TypeName>: <str(exc)>"`.
public struct WatchEntry: Hashable, Sendable {
    public var expression: String
    public var exception: String?
    public var value: JSONValue

    public init(expression: String, exception: String? = nil, value: JSONValue) {
        self.expression = expression
        self.exception = exception
        self.value = value
    }

    public init?(json: JSONValue) {
        guard let expression = json["expr"]?.stringValue else { return nil }
        self.init(expression: expression, exception: json["exc"]?.stringValue, value: json["value"] ?? .null)
    }

    public var json: JSONValue {
        ["expr": .string(expression), "exc": JSONValue(exception), "value": value]
    }
}

/// The `print` payload, used for two things: the program's own output
/// (`input` is `<stdout>`/`<stderr>`, `exc` is `false`) and the result of
/// an `eval` (`input` echoes what was evaluated, `exc` is null or the
/// exception class name).
public struct PrintOutput: Hashable, Sendable {
    public static let standardOutput = "<stdout>"
    public static let standardError = "<stderr>"

    public var input: JSONValue
    public var exception: JSONValue
    public var output: String
    /// Extension: the breakpoint whose `commands` ran this eval, so that
    /// clients show it as pdb does (docs/protocol-extensions.md).
    public var breakpoint: Int?

    public init(input: JSONValue, exception: JSONValue, output: String, breakpoint: Int? = nil) {
        self.input = input
        self.exception = exception
        self.output = output
        self.breakpoint = breakpoint
    }

    /// A chunk the program wrote to `stream` (`<stdout>` or `<stderr>`).
    public static func programOutput(stream: String, _ text: String) -> PrintOutput {
        PrintOutput(input: .string(stream), exception: false, output: text)
    }

    /// The result of evaluating `input`.
    public static func evaluation(input: JSONValue, exception: String?, output: String) -> PrintOutput {
        PrintOutput(input: input, exception: JSONValue(exception), output: output)
    }

    /// True for the program's own output rather than an eval result.
    public var isProgramOutput: Bool {
        exception == false
    }

    public init?(json: JSONValue) {
        guard let output = json["output"]?.stringValue else { return nil }
        self.init(
            input: json["input"] ?? .null, exception: json["exc"] ?? .null, output: output,
            breakpoint: json["breakpoint"]?.intValue)
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("input", input), ("exc", exception), ("output", .string(output))]
        if let breakpoint {
            members.append(("breakpoint", JSONValue(breakpoint)))
        }
        return .object(JSONObject(members))
    }
}

/// The `error` payload: `{"type": KIND, "data": DETAILS}`. `data` is text,
/// except for `condition` errors, where it is an object.
public struct ErrorInfo: Hashable, Sendable {
    public var type: String
    public var data: JSONValue

    public init(type: String, data: JSONValue) {
        self.type = type
        self.data = data
    }

    public init(type: String, _ text: String) {
        self.init(type: type, data: .string(text))
    }

    public init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue else { return nil }
        self.init(type: type, data: json["data"] ?? .null)
    }

    public var json: JSONValue {
        ["type": .string(type), "data": data]
    }

    /// `add_break`'s error for a line past the end of its file, which pdb
    /// prints as a plain message.
    public static let endOfFile = "End of file"

    /// The command a tracer refused as unknown (`Command NAME does not
    /// exist`): how an original tracer answers an extension.
    public var unknownCommand: String? {
        guard type == "event", let text = data.stringValue,
            text.hasPrefix("Command "), text.hasSuffix(" does not exist")
        else { return nil }
        return String(text.dropFirst("Command ".count).dropLast(" does not exist".count))
    }
}

/// The `exception` payload sent at an exception stop.
public struct ExceptionInfo: Hashable, Sendable {
    public var type: String
    public var value: String
    /// `traceback.format_tb` output: one string per frame.
    public var traceback: [String]

    public init(type: String, value: String, traceback: [String]) {
        self.type = type
        self.value = value
        self.traceback = traceback
    }

    public init?(json: JSONValue) {
        guard let type = json["type"]?.stringValue else { return nil }
        self.init(
            type: type, value: json["value"]?.stringValue ?? "",
            traceback: json["traceback"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    public var json: JSONValue {
        ["type": .string(type), "value": .string(value), "traceback": .array(traceback.map(JSONValue.string))]
    }
}

/// The `data` of a `condition` error: a breakpoint condition that raised.
public struct ConditionFailure: Hashable, Sendable {
    public var condition: String
    public var line: Int
    public var exception: String
    public var output: String

    public init(condition: String, line: Int, exception: String, output: String) {
        self.condition = condition
        self.line = line
        self.exception = exception
        self.output = output
    }

    public init?(json: JSONValue) {
        guard let condition = json["cond"]?.stringValue, let line = json["line"]?.intValue else { return nil }
        self.init(
            condition: condition, line: line, exception: json["exc"]?.stringValue ?? "",
            output: json["output"]?.stringValue ?? "")
    }

    public var json: JSONValue {
        ["cond": .string(condition), "line": JSONValue(line), "exc": .string(exception), "output": .string(output)]
    }
}

/// The tracer's first message, `{"uuid": U, "auth": A, "local": [PID, SIGNAL]}`.
/// `local` is `[0, 0]` for a tracer on another machine.
public struct TracerStart: Hashable, Sendable {
    public var uuid: String
    /// The auth message; nil when the tracer sent something other than a
    /// string, which matches no token. A missing `auth` means "".
    public var auth: String?
    public var pid: Int32
    public var pauseSignal: Int32

    public init(uuid: String, auth: String?, pid: Int32 = 0, pauseSignal: Int32 = 0) {
        self.uuid = uuid
        self.auth = auth
        self.pid = pid
        self.pauseSignal = pauseSignal
    }

    /// True when the server may pause the tracer itself, by signal.
    public var isLocal: Bool { pid > 0 && pauseSignal > 0 }

    /// Validates a tracer's first message in the order the original server
    /// did, failing with the exact text it sent.
    public init(validating message: Message) throws(TracerStartError) {
        guard message.name == "start" else { throw .notStart }
        guard let local = message.payload["local"] else { throw .missingLocal }
        guard let uuid = message.payload["uuid"] else { throw .missingUUID }
        let pair = local.arrayValue?.compactMap(\.intValue) ?? []
        let (pid, signal) = pair.count == 2 ? (pair[0], pair[1]) : (0, 0)
        self.init(
            uuid: uuid.stringValue ?? uuid.serialized(),
            auth: message.payload["auth"].map(\.stringValue) ?? "",
            pid: Int32(clamping: pid), pauseSignal: Int32(clamping: signal))
    }

    public var message: Message {
        Message(
            "start",
            ["uuid": .string(uuid), "auth": JSONValue(auth), "local": [JSONValue(Int(pid)), JSONValue(Int(pauseSignal))]])
    }
}

public enum TracerStartError: Error, Hashable, Sendable, CustomStringConvertible {
    case notStart
    case missingLocal
    case missingUUID

    public var description: String {
        switch self {
        case .notStart: "First event must be of type: 'start'"
        case .missingLocal: "Missing 'local' field"
        case .missingUUID: "Missing 'uuid' field"
        }
    }
}
