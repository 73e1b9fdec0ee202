import QdbProtocol

/// The text interface of a debugging session, with no I/O: it turns typed
/// lines into protocol commands (`interpret`) and received events into
/// lines to show (`render`), remembering what both need (the last stack,
/// what is on screen, replies still expected).
///
/// Whoever owns the terminal owns one `ConsoleSession` and feeds it both
/// ways: `qdb-cli` over a server, or the tracer's in-process debugger.
public struct ConsoleSession: Sendable {
    public static let prompt = "(qdb) "

    /// The last stack received: `where`, `b LINE` and `list` use it.
    public internal(set) var stack: Stack?

    /// The stack and watchlist on screen, so that repeats are not shown
    /// again (a client attaching gets the current stop twice, and the
    /// watchlist comes with every stop and every eval).
    var shownStack: Stack?
    var shownWatchlist: [WatchEntry] = []

    /// Whether a stop equal to the one on screen is news.
    enum RepeatedStop: Sendable {
        /// After a command that moves the program or the selected frame:
        /// the stop it leads to is shown even on the same line.
        case show
        /// Otherwise an equal stop is an echo.
        case hide
        /// In the reply to an attach (which starts with `breakpoints`):
        /// its stop is the one on screen, whatever is typed meanwhile.
        case hideAttachReply
    }

    var repeatedStop = RepeatedStop.hide

    /// Evaluations and listings this session asked for, oldest first. An
    /// eval result that is not ours came from another client and is shown
    /// with its input; a listing is numbered from the line we asked for.
    var pendingEvaluations = PendingQueue<JSONValue>()
    var pendingListings = PendingQueue<Listing>()

    /// Where the last listing stopped: `l` again goes on from there.
    var listCursor: (file: String, line: Int)?

    /// The last line an empty line repeats.
    var repeatableLine: String?

    var programOutput = ProgramOutputBuffer()

    public init() {}

    /// What to do with a typed line.
    public mutating func interpret(_ line: String) -> ConsoleAction {
        let line = line.trimmingWhitespace()
        if line.isEmpty {
            return repeatableLine.map { interpret($0) } ?? .none
        }
        repeatableLine = nil
        if line.hasPrefix("!") {
            let statement = line.dropFirst().trimmingWhitespace()
            return statement.isEmpty ? .error(.error("!", "missing argument(s)")) : evaluate(statement, as: .print)
        }
        if line == "?" {
            return help(nil)
        }
        let (word, argument) = Self.split(line)
        if argument == nil, word.hasSuffix("?"), word.count > 1 {
            return help(String(word.dropLast()))
        }
        guard let command = ConsoleCommand(name: word), !Self.isPython(argument, after: command) else {
            return evaluate(line, as: .print)
        }
        if command.argument == .required && argument == nil {
            return .error(.error(command.usage, "missing argument(s)"))
        }
        let action = perform(command, argument)
        if command.isRepeatable, case .send = action {
            repeatableLine = line
        }
        return action
    }

    /// What end of input (Ctrl-D) means: quit, letting the program run on.
    public mutating func interpretEndOfInput() -> ConsoleAction {
        .quit(.soft)
    }

    /// The first word and the trimmed rest, nil when there is none.
    private static func split(_ line: String) -> (word: String, argument: String?) {
        guard let space = line.firstIndex(where: \.isWhitespace) else { return (line, nil) }
        let rest = line[space...].trimmingWhitespace()
        return (String(line[..<space]), rest.isEmpty ? nil : rest)
    }

    /// True when a command name starts a Python statement instead: `n * 2`
    /// for a command taking no argument, `c = 3` or `w += 1` for any.
    private static func isPython(_ argument: String?, after command: ConsoleCommand) -> Bool {
        guard let argument else { return false }
        if command.argument == .none { return true }
        let augmented = ["+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", "&=", "^=", "|=", "@=", ":="]
        return (argument.hasPrefix("=") && !argument.hasPrefix("==")) || augmented.contains { argument.hasPrefix($0) }
    }

    private mutating func perform(_ command: ConsoleCommand, _ argument: String?) -> ConsoleAction {
        switch command {
        case .step: return moving(.step)
        case .next: return moving(.next)
        case .return: return moving(.return)
        case .until: return moving(.until)
        case .continue: return moving(.continue)
        case .up: return moving(.up)
        case .down: return moving(.down)
        case .locals: return .send(.locals)
        case .pause: return argument.map { threadCommand($0, command) { .pause($0) } } ?? .send(.pause(.null))
        case .threads: return .send(.threads)
        case .thread: return threadCommand(argument ?? "", command) { .thread($0) }
        case .catch: return .send(.catch(argument.map(JSONValue.string) ?? .null))
        case .uncatch: return .send(.uncatch(argument.map(JSONValue.string) ?? .null))
        case .stopAllThreads: return stopAllThreads(argument)
        case .watch: return .send(.setWatch([.string(argument ?? "")]))
        case .unwatch: return .send(.clearWatch([.string(argument ?? "")]))
        case .break: return breakpoint(argument, temporary: false, command: command)
        case .temporaryBreak: return breakpoint(argument, temporary: true, command: command)
        case .clear: return breakpoint(argument, temporary: false, command: command)
        case .list: return list(argument)
        case .where: return showStack()
        case .print: return evaluate(argument ?? "", as: .print)
        case .prettyPrint: return evaluate(argument ?? "", as: .prettyPrint)
        case .quit: return quit(argument)
        case .help: return help(argument)
        }
    }

    /// A command after which the program or the selected frame moves: the
    /// stop it leads to is shown even when it looks like the last one.
    private mutating func moving(_ command: Command) -> ConsoleAction {
        if repeatedStop != .hideAttachReply {
            repeatedStop = .show
        }
        listCursor = nil
        return .send(command)
    }

    private enum Evaluation {
        case print, prettyPrint
    }

    private mutating func evaluate(_ source: String, as kind: Evaluation) -> ConsoleAction {
        pendingEvaluations.append(.string(source))
        return .send(kind == .print ? .eval(.string(source)) : .pprint(.string(source)))
    }

    private func breakpoint(_ argument: String?, temporary: Bool, command: ConsoleCommand) -> ConsoleAction {
        let parser = BreakpointArgument(currentFile: stack?.selectedFrame?.file)
        do {
            let payload = try parser.payload(for: argument ?? "", temporary: temporary)
            return .send(command == .clear ? .clearBreak(payload) : .setBreak(payload))
        } catch {
            return .error(.error(command.usage, error.message))
        }
    }

    private mutating func list(_ argument: String?) -> ConsoleAction {
        let current = stack?.selectedFrame.map { (file: $0.file, line: $0.line) }
        do {
            let listing = try Listing(argument: argument, cursor: listCursor, current: current)
            listCursor = listing.last.map { (listing.file, $0 + 1) }
            pendingListings.append(listing)
            return .send(.list(listing.payload))
        } catch {
            return .error(.error(ConsoleCommand.list.usage, error.message))
        }
    }

    private func showStack() -> ConsoleAction {
        guard let stack, !stack.frames.isEmpty else {
            return .error(.error(ConsoleCommand.where.usage, "no stack yet"))
        }
        let header = stack.thread.map { [threadLine($0)] } ?? []
        return .show(header + stack.frames.indices.flatMap { index in
            frameLines(stack.frames[index], selected: index == stack.index)
        })
    }

    /// A command taking a thread number.
    private mutating func threadCommand(
        _ argument: String, _ command: ConsoleCommand, _ make: (JSONValue) -> Command
    ) -> ConsoleAction {
        guard let number = Int(argument) else {
            return .error(.error(command.usage, "expected a thread number, not '\(argument)'"))
        }
        if command == .thread {
            repeatedStop = .show
        }
        return .send(make(JSONValue(number)))
    }

    private func stopAllThreads(_ argument: String?) -> ConsoleAction {
        switch argument {
        case nil: return .send(.stopAllThreads(.null))
        case "on": return .send(.stopAllThreads(true))
        case "off": return .send(.stopAllThreads(false))
        case let other?: return .error(.error(ConsoleCommand.stopAllThreads.usage, "expected on or off, not '\(other)'"))
        }
    }

    private func quit(_ argument: String?) -> ConsoleAction {
        guard let argument else { return .quit(.soft) }
        guard let mode = QuitMode(rawValue: argument) else {
            return .error(.error("disable", "argument must be 'soft' or 'hard'"))
        }
        return .quit(mode)
    }

    private func help(_ name: String?) -> ConsoleAction {
        guard let name else {
            return .show(ConsoleCommand.overview.map { ConsoleLine($0) })
        }
        if name == "!" {
            return .show(["!STMT", "Runs STMT as Python in the current frame, even when it starts like a command."])
        }
        guard let command = ConsoleCommand(name: name) else {
            return .error(.error("help", "no command named '\(name)'"))
        }
        return .show(ConsoleLine.lines(of: command.help))
    }
}

/// A FIFO of replies still expected. Bounded, so that replies that never
/// come (a tracer gone) cannot make it grow without end.
struct PendingQueue<Element: Equatable & Sendable>: Sendable {
    static var capacity: Int { 64 }

    private var elements: [Element] = []

    mutating func append(_ element: Element) {
        if elements.count == Self.capacity {
            elements.removeFirst()
        }
        elements.append(element)
    }

    /// Removes and returns the oldest element.
    mutating func popFirst() -> Element? {
        elements.isEmpty ? nil : elements.removeFirst()
    }

    /// Removes the oldest element when it is `element`.
    mutating func popFirst(if element: Element) -> Bool {
        guard elements.first == element else { return false }
        elements.removeFirst()
        return true
    }
}
