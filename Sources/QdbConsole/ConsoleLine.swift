/// What a piece of console text is, so that a terminal can colour it. The
/// console never decides whether colour is used: the caller picks
/// `plainText` or `ansiText` (a terminal, `NO_COLOR`, a log file).
public enum TextStyle: Hashable, Sendable {
    case plain
    /// Where the program stopped: `> file:line in func`.
    case location
    /// A marker pointing at the current line (`->`).
    case marker
    /// Line numbers and other secondary text.
    case secondary
    /// Headings such as `watchlist:`.
    case heading
    /// Errors from the debugger and exceptions from the program.
    case error
    /// The program's standard error.
    case standardError

    /// The SGR parameters for this style, nil when it is not coloured.
    var sgrParameters: String? {
        switch self {
        case .plain: nil
        case .location: "1;36"
        case .marker: "1;32"
        case .secondary: "2"
        case .heading: "1"
        case .error: "1;31"
        case .standardError: "31"
        }
    }
}

/// One line of console output, made of styled runs of text; never holds a
/// newline.
public struct ConsoleLine: Hashable, Sendable, CustomStringConvertible {
    public struct Run: Hashable, Sendable {
        public var text: String
        public var style: TextStyle

        public init(_ text: String, _ style: TextStyle = .plain) {
            self.text = text
            self.style = style
        }
    }

    public var runs: [Run]

    public init(_ runs: [Run]) {
        self.runs = runs
    }

    public init(_ text: String, _ style: TextStyle = .plain) {
        self.runs = [Run(text, style)]
    }

    /// A debugger error, as the original printed it: `*** error: KIND: DETAILS`.
    public static func error(_ kind: String, _ details: String) -> ConsoleLine {
        ConsoleLine("*** error: \(kind): \(details)", .error)
    }

    public var plainText: String {
        runs.map(\.text).joined()
    }

    /// The text with ANSI colour escapes.
    public var ansiText: String {
        runs.map { run in
            guard let parameters = run.style.sgrParameters, !run.text.isEmpty else { return run.text }
            return "\u{1B}[\(parameters)m\(run.text)\u{1B}[0m"
        }.joined()
    }

    public func text(colored: Bool) -> String {
        colored ? ansiText : plainText
    }

    public var description: String { plainText }
}

extension ConsoleLine: ExpressibleByStringInterpolation {
    public init(stringLiteral value: String) {
        self.init(value)
    }
}

extension ConsoleLine {
    /// Each line of `text` in `style`; a trailing newline adds no empty line.
    static func lines(of text: String, _ style: TextStyle = .plain) -> [ConsoleLine] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true {
            lines.removeLast()
        }
        return lines.map { ConsoleLine(String($0), style) }
    }
}
