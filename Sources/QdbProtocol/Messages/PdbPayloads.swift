/// Payloads of the extensions that carry pdb's command language
/// (docs/protocol-extensions.md): numbered breakpoints and what pdb shows
/// of a frame beyond the original protocol.

/// One entry of `breaks`, and the subject of a `break` event: a breakpoint
/// with the tracer's number, as pdb's `b` lists it. The tracer numbers
/// breakpoints 1, 2, ... for the whole session, so that every client sees
/// the same numbers.
public struct NumberedBreakpoint: Hashable, Sendable {
    public var number: Int
    /// Where, as in the original's `breakpoints`.
    public var location: BreakpointInfo
    public var isEnabled: Bool
    /// How many more crossings pass before it stops again (pdb's `ignore`).
    public var ignoreCount: Int
    public var hits: Int
    /// pdb's `commands`: console lines run when it stops the program.
    public var commands: [String]

    public init(
        number: Int, location: BreakpointInfo, isEnabled: Bool = true, ignoreCount: Int = 0, hits: Int = 0,
        commands: [String] = []
    ) {
        self.number = number
        self.location = location
        self.isEnabled = isEnabled
        self.ignoreCount = ignoreCount
        self.hits = hits
        self.commands = commands
    }

    public init?(json: JSONValue) {
        guard let number = json["number"]?.intValue, let location = BreakpointInfo(json: json) else { return nil }
        self.init(
            number: number, location: location, isEnabled: json["enabled"]?.boolValue ?? true,
            ignoreCount: json["ignore"]?.intValue ?? 0, hits: json["hits"]?.intValue ?? 0,
            commands: json["commands"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    public var json: JSONValue {
        var members = [("number", JSONValue(number))]
        members += (location.json.objectValue?.members ?? []).map { ($0.key, $0.value) }
        members += [
            ("enabled", .bool(isEnabled)), ("ignore", JSONValue(ignoreCount)), ("hits", JSONValue(hits)),
            ("commands", .array(commands.map(JSONValue.string))),
        ]
        return .object(JSONObject(members))
    }
}

/// The `break` event: what happened to one numbered breakpoint, so that
/// every client can say it in pdb's words.
public struct BreakpointChangeInfo: Hashable, Sendable {
    public enum Action: String, Hashable, Sendable, CaseIterable {
        case set, deleted, enabled, disabled, condition, ignore, commands
    }

    public var action: Action
    public var breakpoint: NumberedBreakpoint

    public init(_ action: Action, _ breakpoint: NumberedBreakpoint) {
        self.action = action
        self.breakpoint = breakpoint
    }

    public init?(json: JSONValue) {
        guard let action = json["action"]?.stringValue.flatMap(Action.init(rawValue:)),
              let breakpoint = json["breakpoint"].flatMap(NumberedBreakpoint.init(json:))
        else { return nil }
        self.init(action, breakpoint)
    }

    public var json: JSONValue {
        ["action": .string(action.rawValue), "breakpoint": breakpoint.json]
    }
}

/// A name or expression with the `repr` of its value: an entry of `args`
/// and of `display`.
public struct NamedValue: Hashable, Sendable {
    public var name: String
    public var value: String
    /// For `display`: the value shown before, when it changed.
    public var old: String?

    public init(name: String, value: String, old: String? = nil) {
        self.name = name
        self.value = value
        self.old = old
    }

    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, let value = json["value"]?.stringValue else { return nil }
        self.init(name: name, value: value, old: json["old"]?.stringValue)
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("name", .string(name)), ("value", .string(value))]
        if let old {
            members.append(("old", .string(old)))
        }
        return .object(JSONObject(members))
    }
}

/// The `display` event: the selected frame's display expressions, all of
/// them (in reply to `display`), or those whose value changed (at a stop).
public struct DisplayInfo: Hashable, Sendable {
    public var changedOnly: Bool
    public var entries: [NamedValue]

    public init(changedOnly: Bool, entries: [NamedValue]) {
        self.changedOnly = changedOnly
        self.entries = entries
    }

    public init?(json: JSONValue) {
        guard let list = json["entries"]?.arrayValue else { return nil }
        let entries = list.compactMap(NamedValue.init(json:))
        guard entries.count == list.count else { return nil }
        self.init(changedOnly: json["changed"]?.boolValue ?? false, entries: entries)
    }

    public var json: JSONValue {
        ["changed": .bool(changedOnly), "entries": .array(entries.map(\.json))]
    }
}

/// The `source` event: source lines and the number of the first, for `ll`
/// and `source`.
public struct SourceLines: Hashable, Sendable {
    public var file: String
    public var firstLine: Int
    public var lines: [String]

    public init(file: String, firstLine: Int, lines: [String]) {
        self.file = file
        self.firstLine = firstLine
        self.lines = lines
    }

    public init?(json: JSONValue) {
        guard let file = json["file"]?.stringValue, let first = json["first"]?.intValue,
              let list = json["lines"]?.arrayValue
        else { return nil }
        let lines = list.compactMap(\.stringValue)
        guard lines.count == list.count else { return nil }
        self.init(file: file, firstLine: first, lines: lines)
    }

    public var json: JSONValue {
        ["file": .string(file), "first": JSONValue(firstLine), "lines": .array(lines.map(JSONValue.string))]
    }
}

/// The `completions` event: the names that complete `text` in the
/// selected frame (or in `__main__` while the program runs).
public struct Completions: Hashable, Sendable {
    public var text: String
    public var matches: [String]

    public init(text: String, matches: [String]) {
        self.text = text
        self.matches = matches
    }

    public init?(json: JSONValue) {
        guard let text = json["text"]?.stringValue, let list = json["matches"]?.arrayValue else { return nil }
        let matches = list.compactMap(\.stringValue)
        guard matches.count == list.count else { return nil }
        self.init(text: text, matches: matches)
    }

    public var json: JSONValue {
        ["text": .string(text), "matches": .array(matches.map(JSONValue.string))]
    }
}
