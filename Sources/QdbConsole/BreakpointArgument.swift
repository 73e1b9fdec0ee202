import QdbProtocol

/// Turns what follows `b`, `tbreak` or `cl` into the protocol's breakpoint
/// payload `{"file","line","temp","cond","func"}`. Two syntaxes:
/// - the original client's Python dict, sent as written:
///   `{'file': 'x.py', 'line': 3, 'cond': 'n > 1'}`;
/// - pdb's `FILE:LINE`, `LINE` (in the current file) and `FUNCTION`, each
///   optionally followed by `, CONDITION`.
///
/// A function breakpoint is sent as `{"func": NAME}`: only the tracer can
/// find where a function is defined.
struct BreakpointArgument {
    /// The selected frame's file, for a bare `LINE`; without one the
    /// tracer's default file applies.
    var currentFile: String?

    func payload(for argument: String, temporary: Bool) throws(BreakpointArgumentError) -> JSONValue {
        if argument.hasPrefix("{") {
            return try dictPayload(argument, temporary: temporary)
        }
        let (location, condition) = splitCondition(argument)
        var pairs: [(String, JSONValue)] = []
        switch try Location(location) {
        case .line(let line):
            if let currentFile { pairs.append(("file", .string(currentFile))) }
            pairs.append(("line", JSONValue(line)))
        case .fileLine(let file, let line):
            pairs += [("file", .string(file)), ("line", JSONValue(line))]
        case .function(let name):
            pairs.append(("func", .string(name)))
        }
        if temporary { pairs.append(("temp", true)) }
        if let condition { pairs.append(("cond", .string(condition))) }
        return .object(JSONObject(pairs))
    }

    private func dictPayload(_ argument: String, temporary: Bool) throws(BreakpointArgumentError) -> JSONValue {
        let literal: JSONValue
        do {
            literal = try PythonLiteral.parse(argument)
        } catch {
            throw .invalidDict(error.description)
        }
        guard var dict = literal.objectValue else { throw .invalidDict("not a dict") }
        if temporary && dict["temp"] == nil {
            dict["temp"] = true
        }
        return .object(dict)
    }

    /// pdb splits at the first comma: a condition may hold commas, a
    /// location never does.
    private func splitCondition(_ argument: String) -> (location: String, condition: String?) {
        guard let comma = argument.firstIndex(of: ",") else { return (argument, nil) }
        let condition = argument[argument.index(after: comma)...].trimmingWhitespace()
        return (argument[..<comma].trimmingWhitespace(), condition.isEmpty ? nil : condition)
    }

    private enum Location {
        case line(Int)
        case fileLine(file: String, line: Int)
        case function(String)

        init(_ text: String) throws(BreakpointArgumentError) {
            if let line = Int(text) {
                self = .line(try Self.validated(line, in: text))
            } else if let colon = text.lastIndex(of: ":") {
                let file = String(text[..<colon])
                let lineText = String(text[text.index(after: colon)...])
                guard !file.isEmpty, let line = Int(lineText) else { throw .unreadable(text) }
                self = .fileLine(file: file, line: try Self.validated(line, in: text))
            } else if text.hasSuffix(".py") {
                throw .missingLine(text)
            } else if text.isDottedIdentifier {
                self = .function(text)
            } else {
                throw .unreadable(text)
            }
        }

        private static func validated(_ line: Int, in text: String) throws(BreakpointArgumentError) -> Int {
            guard line > 0 else { throw .unreadable(text) }
            return line
        }
    }
}

enum BreakpointArgumentError: Error, Hashable {
    case invalidDict(String)
    case missingLine(String)
    case unreadable(String)

    var message: String {
        switch self {
        case .invalidDict(let reason): "invalid breakpoint dict: \(reason)"
        case .missingLine(let file): "missing line number: use \(file):LINE"
        case .unreadable(let text): "cannot read breakpoint '\(text)': use FILE:LINE, LINE or FUNCTION"
        }
    }
}

extension StringProtocol {

    /// The text, with spaces added up to `width` characters.
    func padding(to width: Int) -> String {
        String(self) + String(repeating: " ", count: Swift.max(0, width - count))
    }

    /// `name` or `module.name`: how pdb names a function to break in.
    public var isDottedIdentifier: Bool {
        split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            guard let first = part.first, first == "_" || first.isLetter else { return false }
            return part.allSatisfy { $0 == "_" || $0.isLetter || $0.isNumber }
        }
    }
}
