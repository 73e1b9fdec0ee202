/// A JSON object that keeps its members in order. Keys are unique: as in a
/// Python dict, setting an existing key replaces its value in place.
/// Objects in this protocol are small, so lookups are linear.
public struct JSONObject: Hashable, Sendable {
    public struct Member: Hashable, Sendable {
        public var key: String
        public var value: JSONValue
    }

    public private(set) var members: [Member] = []

    public init() {}

    /// Builds an object from pairs in order; a repeated key keeps its first
    /// position and its last value, as `dict(pairs)` does in Python.
    public init(_ pairs: some Sequence<(String, JSONValue)>) {
        var positions: [String: Int] = [:]
        for (key, value) in pairs {
            if let position = positions[key] {
                members[position].value = value
            } else {
                positions[key] = members.count
                members.append(Member(key: key, value: value))
            }
        }
    }

    public var isEmpty: Bool { members.isEmpty }
    public var count: Int { members.count }
    public var keys: [String] { members.map(\.key) }

    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            let index = members.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil): members.remove(at: index)
            case (nil, let value?): members.append(Member(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Equal when both hold the same keys with equal values, in any order,
    /// as JSON objects compare.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.count == rhs.count && lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for key in keys.sorted() {
            hasher.combine(key)
        }
    }
}
