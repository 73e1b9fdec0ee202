import QdbProtocol

/// A `list` request in the user's terms: 1-based line numbers, both ends
/// included (nil `first` means the whole file). Kept until the reply comes,
/// which carries only text, to number its lines.
struct Listing: Hashable, Sendable {
    /// How many lines `l` shows around a line, as in pdb.
    static let windowSize = 11

    var file: String
    var first: Int?
    var last: Int?

    /// The protocol's request: `start`/`end` are slice indices over 0-based
    /// lines.
    var payload: JSONValue {
        var pairs: [(String, JSONValue)] = [("file", .string(file))]
        if let first, let last {
            pairs += [("start", JSONValue(first - 1)), ("end", JSONValue(last))]
        }
        return .object(JSONObject(pairs))
    }

    /// The listing a `list` request asked for, read back from its payload
    /// when the reply comes.
    init?(payload: JSONValue) {
        guard let file = payload["file"]?.stringValue else { return nil }
        self.init(file: file, first: payload["start"]?.intValue.map { $0 + 1 }, last: payload["end"]?.intValue)
    }

    /// The lines around `line`, as pdb's `list` shows them.
    static func around(_ line: Int, in file: String) -> Listing {
        starting(at: line - windowSize / 2, in: file)
    }

    static func starting(at line: Int, in file: String) -> Listing {
        let first = max(1, line)
        return Listing(file: file, first: first, last: first + windowSize - 1)
    }

    /// Reads `[FILE] [START [END]]` (commas allowed between numbers, as in
    /// pdb); `cursor` is where the previous listing stopped, `current` the
    /// selected frame's file and line.
    init(argument: String?, cursor: (file: String, line: Int)?, current: (file: String, line: Int)?) throws(ListingError) {
        if argument == "." {
            // pdb's `l .`: around the current line, whatever was listed.
            guard let current else { throw .noCurrentFile }
            self = .around(current.line, in: current.file)
            return
        }
        var words = (argument ?? "").split { $0 == " " || $0 == "\t" || $0 == "," }.map(String.init)
        let file: String?
        if let word = words.first, Int(word) == nil {
            file = word
            words.removeFirst()
        } else {
            file = nil
        }
        let numbers = words.compactMap { Int($0) }
        guard numbers.count == words.count, numbers.count <= 2, numbers.allSatisfy({ $0 > 0 }) else {
            throw .badLineNumbers
        }
        if let first = numbers.first {
            guard let file = file ?? current?.file else { throw .noCurrentFile }
            if let last = numbers.dropFirst().first {
                // As in pdb, an END below START counts lines from START.
                self.init(file: file, first: first, last: last < first ? first + last : last)
            } else {
                self = .around(first, in: file)
            }
        } else if let file {
            self.init(file: file)
        } else if let cursor {
            self = .starting(at: cursor.line, in: cursor.file)
        } else if let current {
            self = .around(current.line, in: current.file)
        } else {
            throw .noCurrentFile
        }
    }

    init(file: String, first: Int? = nil, last: Int? = nil) {
        self.file = file
        self.first = first
        self.last = last
    }
}

enum ListingError: Error, Hashable {
    case badLineNumbers
    case noCurrentFile

    var message: String {
        switch self {
        case .badLineNumbers: "START and END must be line numbers, as in: l [FILE] [START [END]]"
        case .noCurrentFile: "no current file yet: give a FILE"
        }
    }
}
