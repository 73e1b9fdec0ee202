/// Just enough of Python's lexical rules for `interact` to tell whether
/// the lines typed so far are a whole statement, as the interactive
/// interpreter does before running them. The tracer's compile() has the
/// last word: a wrong guess shows as a SyntaxError, never as lost input.
enum PythonBlock {
    /// A bracket, a string or a backslash continuation is still open at
    /// the end of `lines`.
    static func isOpen(_ lines: [String]) -> Bool {
        var depth = 0
        var quote: (delimiter: Character, isTriple: Bool)?
        let characters = Array(lines.joined(separator: "\n"))
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if let open = quote {
                if character == "\\" {
                    index += 2
                    continue
                }
                if character == open.delimiter {
                    if !open.isTriple {
                        quote = nil
                    } else if index + 2 < characters.count, characters[index + 1] == open.delimiter,
                              characters[index + 2] == open.delimiter {
                        quote = nil
                        index += 2
                    }
                } else if character == "\n" && !open.isTriple {
                    // An unterminated one-line string: compile() will say so.
                    quote = nil
                }
            } else {
                switch character {
                case "#":
                    while index < characters.count && characters[index] != "\n" { index += 1 }
                    continue
                case "\"", "'":
                    let isTriple = index + 2 < characters.count && characters[index + 1] == character
                        && characters[index + 2] == character
                    quote = (character, isTriple)
                    if isTriple { index += 2 }
                case "(", "[", "{": depth += 1
                case ")", "]", "}": depth -= 1
                default: break
                }
            }
            index += 1
        }
        return depth > 0 || quote?.isTriple == true || lines.last?.last == "\\"
    }

    /// The first line opens a block (`def`, `for`, `if`, ... ending in a
    /// colon) or is a decorator: the interpreter waits for an empty line.
    static func startsCompoundStatement(_ lines: [String]) -> Bool {
        guard let first = lines.first?.trimmingWhitespace() else { return false }
        let code = first.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
            .map { $0.trimmingWhitespace() } ?? ""
        return code.hasPrefix("@") || code.hasSuffix(":")
    }
}
