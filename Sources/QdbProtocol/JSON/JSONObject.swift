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
        self.init(uniquing: pairs.map { Member(key: $0.0, value: $0.1) })
    }

    /// Builds an object from members in order, as `init(_:)` does from
    /// pairs. The parser calls this for every object it reads, so the usual
    /// case is cheap: a small object whose keys differ is taken as it is,
    /// after comparing each key with the ones before it, which costs far
    /// less than hashing every key into a dictionary. Larger objects (the
    /// locals of a module, or hostile input) do use a dictionary, so that
    /// many keys cost linear time rather than quadratic.
    init(uniquing members: [Member]) {
        if members.count <= Self.linearCheckLimit, !Self.hasRepeatedKey(members) {
            self.members = members
            return
        }
        var positions: [String: Int] = [:]
        positions.reserveCapacity(members.count)
        self.members.reserveCapacity(members.count)
        for member in members {
            if let position = positions[member.key] {
                self.members[position].value = member.value
            } else {
                positions[member.key] = self.members.count
                self.members.append(member)
            }
        }
    }

    /// Up to this many members, repeated keys are looked for by comparing
    /// every pair: at most 120 comparisons of short strings.
    private static let linearCheckLimit = 16

    private static func hasRepeatedKey(_ members: [Member]) -> Bool {
        for later in members.indices.dropFirst() {
            for earlier in 0..<later where members[earlier].key == members[later].key {
                return true
            }
        }
        return false
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
