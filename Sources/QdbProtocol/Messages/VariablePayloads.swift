/// The `variables` command (an extension): the children of a value at a
/// stop, a page at a time, for variable views that expand.
public struct VariablesRequest: Hashable, Sendable {
    public enum Root: Hashable, Sendable {
        case locals
        case globals
        /// An expression evaluated in the frame.
        case expression(String)
    }

    /// The frame, as an index of the `stack` payload (0 is the outermost);
    /// nil for the selected frame.
    public var frame: Int?
    public var root: Root
    /// Which child to descend into at each level, by position.
    public var path: [Int]
    /// The page of children: from `start`, at most `count` (nil: all).
    public var start: Int
    public var count: Int?

    public init(frame: Int?, root: Root, path: [Int] = [], start: Int = 0, count: Int? = nil) {
        self.frame = frame
        self.root = root
        self.path = path
        self.start = start
        self.count = count
    }

    public init?(json: JSONValue) {
        guard json.objectValue != nil else { return nil }
        switch (json["scope"]?.nonNull?.stringValue, json["expression"]?.nonNull) {
        case ("locals"?, nil): root = .locals
        case ("globals"?, nil): root = .globals
        case (nil, .string(let expression)?): root = .expression(expression)
        default: return nil
        }
        let path = json["path"]?.nonNull?.arrayValue ?? []
        let positions = path.compactMap(\.intValue)
        guard positions.count == path.count, positions.allSatisfy({ $0 >= 0 }) else { return nil }
        self.path = positions
        switch json["frame"] {
        case nil, .null?: frame = nil
        case let value?:
            guard let index = value.intValue else { return nil }
            frame = index
        }
        start = json["start"]?.intValue ?? 0
        count = json["count"]?.intValue
        guard start >= 0, count.map({ $0 >= 0 }) ?? true else { return nil }
    }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("frame", JSONValue(frame))]
        switch root {
        case .locals: members.append(("scope", "locals"))
        case .globals: members.append(("scope", "globals"))
        case .expression(let text): members.append(("expression", .string(text)))
        }
        members += [("path", .array(path.map { JSONValue($0) })), ("start", JSONValue(start)), ("count", JSONValue(count))]
        return .object(JSONObject(members))
    }
}

/// One child in a `variables` reply: its name, `repr` (abbreviated), type
/// name, and how many children it has in turn (0: nothing to expand).
public struct Variable: Hashable, Sendable {
    public var name: String
    public var value: String
    public var type: String
    public var children: Int

    public init(name: String, value: String, type: String, children: Int) {
        self.name = name
        self.value = value
        self.type = type
        self.children = children
    }

    public init?(json: JSONValue) {
        guard let name = json["name"]?.stringValue, let value = json["value"]?.stringValue,
              let type = json["type"]?.stringValue, let children = json["children"]?.intValue
        else { return nil }
        self.init(name: name, value: value, type: type, children: children)
    }

    public var json: JSONValue {
        ["name": .string(name), "value": .string(value), "type": .string(type), "children": JSONValue(children)]
    }
}

/// The `variables` reply: the request it answers (as sent), how many
/// children the value has in all, and the page asked for.
public struct VariablesReply: Hashable, Sendable {
    public var request: JSONValue
    public var total: Int
    public var variables: [Variable]

    public init(request: JSONValue, total: Int, variables: [Variable]) {
        self.request = request
        self.total = total
        self.variables = variables
    }

    public init?(json: JSONValue) {
        guard let request = json["request"], let total = json["total"]?.intValue,
              let list = json["variables"]?.arrayValue
        else { return nil }
        let variables = list.compactMap(Variable.init(json:))
        guard variables.count == list.count else { return nil }
        self.init(request: request, total: total, variables: variables)
    }

    public var json: JSONValue {
        ["request": request, "total": JSONValue(total), "variables": .array(variables.map(\.json))]
    }
}
