/// Splits `run ARGS` into arguments as a POSIX shell (and pdb's shlex)
/// would: whitespace separates, quotes group, a backslash escapes.
enum ShellWords {
    /// Nil when a quote is left open.
    static func split(_ text: String) -> [String]? {
        var words: [String] = []
        var word: String?
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                word = (word ?? "") + String(character)
                escaped = false
            } else if character == "\\" && quote != "'" {
                escaped = true
                word = word ?? ""
            } else if let open = quote {
                if character == open {
                    quote = nil
                } else {
                    word = (word ?? "") + String(character)
                }
            } else if character == "'" || character == "\"" {
                quote = character
                word = word ?? ""
            } else if character.isWhitespace {
                if let finished = word {
                    words.append(finished)
                    word = nil
                }
            } else {
                word = (word ?? "") + String(character)
            }
        }
        guard quote == nil, !escaped else { return nil }
        if let word {
            words.append(word)
        }
        return words
    }
}
