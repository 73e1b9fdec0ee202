import QdbClientSession
import QdbProtocol

/// The text interface of a debugging session, with no I/O: it turns typed
/// lines into protocol commands (`interpret`) and what the client session
/// reports into lines to show (`handle`), remembering what the text needs
/// (what is on screen, the list cursor, a half-typed `commands` list).
///
/// What the session is (its stack, breakpoints, the replies it waits for)
/// is the `ClientSession` inside, which every front end shares. Whoever
/// owns the terminal owns one `ConsoleSession` and feeds it both ways:
/// `qdb-cli` over a server, or the tracer's in-process debugger.
public struct ConsoleSession: Sendable {
    public static let prompt = "(qdb) "

    public enum Output: Hashable, Sendable {
        case show([ConsoleLine])
        /// A reply to a request of ours that shows nothing (an empty
        /// breakpoint list, say): the command is done all the same.
        case quietReply
        case send(Message)
        /// The session is over: nothing comes out after this.
        case ended(ClientExit)
    }

    public private(set) var session: ClientSession

    /// The last stack received: `where`, `b LINE` and `list` use it.
    public var stack: Stack? { session.model.stack }

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

    /// Where the last listing stopped: `l` again goes on from there, until
    /// the program stops somewhere else than `cursorStack`.
    var listCursor: (file: String, line: Int)?
    /// Frames `u COUNT` or `d COUNT` passes on its way: their stacks are
    /// not shown.
    var framesPassed = 0
    var cursorStack: Stack?

    /// The last line an empty line repeats.
    var repeatableLine: String?

    var programOutput = ProgramOutputBuffer()

    /// The current stop when it is a return stop (`stop_reasons` says so).
    var returnStop: ReturnStop?

    /// A return stop's frame and what it returns, which pdb shows as
    /// `->VALUE` wherever it shows the frame. The value comes with the
    /// stop from qdb's tracer, as pdb shows it; otherwise only with the
    /// `return` event that follows the stack, and the stop is shown then.
    struct ReturnStop {
        let frame: StackFrame
        var value: String?
        /// Until the `return` event that follows the stop comes.
        var awaitsEvent = true
    }

    /// What the next typed line is: a command, or part of what a command
    /// started.
    enum InputMode: Hashable, Sendable {
        case commands
        /// After `commands N`: its lines, until `end`.
        case breakpointCommands(number: String, lines: [String])
        /// `interact`: Python, `pending` an unfinished block; `isFresh`
        /// until the first block is sent, which has the tracer make the
        /// console's namespace.
        case interact(pending: [String], isFresh: Bool)
        /// `cl` alone asked "Clear all breaks?".
        case confirmingClearAll
    }

    var mode = InputMode.commands

    /// The numbered breakpoints, as the tracer last told: listings mark
    /// their lines, `commands` alone takes the last, `restart` sets them
    /// again.
    public var knownBreakpoints: [NumberedBreakpoint] { session.model.breakpoints }

    /// `address` names the server in a lost connection's message;
    /// `authMessage` is what `start` sends.
    public init(address: String = "the server", authMessage: String = "") {
        session = ClientSession(address: address, authMessage: authMessage)
    }

    /// The names of the commands, sorted, for completing them.
    public static var commandNames: [String] { ConsoleCommand.allNames }

    /// Whether Tab after `lineStart` (the line before the word) completes
    /// a breakpoint's location, files included, as pdb's `break`, `tbreak`
    /// and `clear` do: the word right after the command, not a line number
    /// after `:` nor a condition after `,`.
    public static func completesLocation(after lineStart: String) -> Bool {
        let (name, rest) = split(lineStart.trimmingWhitespace())
        guard rest == nil, let command = ConsoleCommand(name: name) else { return false }
        return [.break, .temporaryBreak, .clear].contains(command)
    }

    /// What the line reader shows before the next line.
    public var prompt: String {
        switch mode {
        case .commands: Self.prompt
        case .breakpointCommands: "(com) "
        case .interact(let pending, _): pending.isEmpty ? ">>> " : "... "
        case .confirmingClearAll: "Clear all breaks? "
        }
    }

    /// Passes `input` to the client session: a request to send (each
    /// command of a `ConsoleAction`), what the connection reports, or the
    /// end of waiting for a quit. Returns what to show and send.
    public mutating func handle(_ input: ClientSession.Input) -> [Output] {
        // Stops where `step` enters a function, as pdb's `--Call--`: the
        // console's own request, since an editor steps in to the first line.
        let requests: [ClientSession.Input] = input == .connected ? [input, .request(.callStops(true))] : [input]
        return requests.flatMap { session.handle($0) }.flatMap { output -> [Output] in
            switch output {
            case .send(let message):
                return [.send(message)]
            case .update(let update):
                let lines = render(update)
                if lines.isEmpty, case .event(_, answering: _?) = update {
                    return [.quietReply]
                }
                return lines.isEmpty ? [] : [.show(lines)]
            case .ended(let exit):
                let remaining = flush()
                return (remaining.isEmpty ? [] : [.show(remaining)]) + [.ended(exit)]
            }
        }
    }

    /// What to do with a typed line.
    public mutating func interpret(_ line: String) -> ConsoleAction {
        switch mode {
        case .commands: break
        case .breakpointCommands(let number, let lines): return collectBreakpointCommand(line, number: number, lines: lines)
        case .interact(let pending, let isFresh): return interactLine(line, pending: pending, isFresh: isFresh)
        case .confirmingClearAll: return confirmClearAll(line)
        }
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
        guard let command = ConsoleCommand(name: word), command.isPdbs || !Self.isAssignment(argument) else {
            return evaluate(line, as: .print)
        }
        switch (command.argument, argument) {
        case (.required, nil):
            return .error(.error(command.usage, "missing argument(s)"))
        case (.none, let argument?):
            // As pdb 3.13: `n * 2` is no Python, `!n * 2` is.
            return Self.invalidArgument(argument, usage: command.synopsis)
        default:
            break
        }
        let action = perform(command, argument)
        if command.isRepeatable, case .send = action {
            repeatableLine = line
        }
        return action
    }

    /// What end of input (Ctrl-D) means: quit, letting the program run on;
    /// inside `interact` or `commands`, back to the debugger's prompt.
    public mutating func interpretEndOfInput() -> ConsoleAction {
        switch mode {
        case .commands:
            return .quit(.soft)
        case .interact:
            mode = .commands
            return .show(["now exiting InteractiveConsole..."])
        case .breakpointCommands:
            mode = .commands
            return .show(["command definition aborted, old commands restored"])
        case .confirmingClearAll:
            mode = .commands
            return .none
        }
    }

    /// The first word and the trimmed rest, nil when there is none.
    static func split(_ line: String) -> (word: String, argument: String?) {
        guard let space = line.firstIndex(where: \.isWhitespace) else { return (line, nil) }
        let rest = line[space...].trimmingWhitespace()
        return (String(line[..<space]), rest.isEmpty ? nil : rest)
    }

    /// pdb's answer to an argument a command cannot take.
    static func invalidArgument(_ argument: String, usage: String) -> ConsoleAction {
        .show([
            ConsoleLine("*** Invalid argument: \(argument)", .error),
            ConsoleLine(String(repeating: " ", count: prompt.count) + "Usage: " + usage),
        ])
    }

    /// Whether the text after a name assigns to it (`thread = t`, `x += 1`).
    private static func isAssignment(_ argument: String?) -> Bool {
        guard let argument else { return false }
        let augmented = ["+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", "&=", "^=", "|=", "@=", ":="]
        return (argument.hasPrefix("=") && !argument.hasPrefix("==")) || augmented.contains { argument.hasPrefix($0) }
    }

    private mutating func perform(_ command: ConsoleCommand, _ argument: String?) -> ConsoleAction {
        switch command {
        case .step: return moving(.step)
        case .next: return moving(.next)
        case .return: return moving(.return)
        case .until: return until(argument)
        case .continue: return moving(.continue)
        case .jump: return jump(argument ?? "")
        case .up, .down: return moveFrames(command, argument)
        case .locals: return .send(.locals)
        case .pause: return argument.map { threadCommand($0, command) { .pause($0) } } ?? .send(.pause(.null))
        case .threads: return .send(.threads)
        case .thread: return threadCommand(argument ?? "", command) { .thread($0) }
        case .catch: return .send(.catch(argument.map(JSONValue.string) ?? .null))
        case .uncatch: return .send(.uncatch(argument.map(JSONValue.string) ?? .null))
        case .stopAllThreads: return stopAllThreads(argument)
        case .watch: return .send(.setWatch([.string(argument ?? "")]))
        case .unwatch: return .send(.clearWatch([.string(argument ?? "")]))
        case .break: return argument.map { breakpoint($0, temporary: false, command: command) } ?? .send(.breaks)
        case .temporaryBreak: return breakpoint(argument ?? "", temporary: true, command: command)
        case .clear: return clear(argument)
        case .disable, .enable: return enable(argument ?? "", command == .enable)
        case .condition: return condition(argument ?? "")
        case .ignore: return ignore(argument ?? "")
        case .commands: return startBreakpointCommands(argument)
        case .display: return display(argument)
        case .undisplay: return .send(.undisplay(argument.map(JSONValue.string) ?? .null))
        case .longList: return source(nil)
        case .source: return source(argument)
        case .args: return .send(.args)
        case .returnValue: return .send(.returnValue)
        case .whatis: return .send(.whatis(.string(argument ?? "")))
        case .interact: return startInteract()
        case .restart: return restart(argument)
        case .list: return list(argument)
        case .where: return showStack()
        case .print: return evaluate(argument ?? "", as: .print)
        case .prettyPrint: return evaluate(argument ?? "", as: .prettyPrint)
        case .quit: return quit(argument)
        case .help: return help(argument)
        }
    }

    private enum Evaluation {
        case print, prettyPrint
    }

    private func evaluate(_ source: String, as kind: Evaluation) -> ConsoleAction {
        .send(kind == .print ? .eval(.string(source)) : .pprint(.string(source)))
    }

    // MARK: interact

    private mutating func startInteract() -> ConsoleAction {
        mode = .interact(pending: [], isFresh: true)
        return .show(["*interactive*"])
    }

    /// A line of Python: run at once when it is a whole statement; kept
    /// while it leaves a bracket, a string or a line continuation open, or
    /// starts a block, which the first empty line then ends and runs.
    private mutating func interactLine(_ line: String, pending: [String], isFresh: Bool) -> ConsoleAction {
        let isBlank = line.trimmingWhitespace().isEmpty
        if pending.isEmpty && isBlank {
            return .none
        }
        let block = isBlank ? pending : pending + [line]
        if PythonBlock.isOpen(block) || (PythonBlock.startsCompoundStatement(block) && !isBlank) {
            mode = .interact(pending: block, isFresh: isFresh)
            return .none
        }
        mode = .interact(pending: [], isFresh: false)
        return .send(.interact(["source": .string(block.joined(separator: "\n")), "fresh": .bool(isFresh)]))
    }

    // MARK: Inspecting

    private func source(_ argument: String?) -> ConsoleAction {
        .send(.source(argument.map(JSONValue.string) ?? .null))
    }

    private func display(_ argument: String?) -> ConsoleAction {
        .send(.display(argument.map(JSONValue.string) ?? .null))
    }

    /// `run [ARGS]`: the arguments split as a shell would (quotes and
    /// backslashes), as pdb splits them with shlex.
    private func restart(_ argument: String?) -> ConsoleAction {
        guard let argument else { return .restart(arguments: nil) }
        guard let words = ShellWords.split(argument) else {
            return .error(.error("run", "unbalanced quotes in '\(argument)'"))
        }
        return .restart(arguments: words)
    }

    private mutating func list(_ argument: String?) -> ConsoleAction {
        let current = stack?.selectedFrame.map { (file: $0.file, line: $0.line) }
        do {
            let listing = try Listing(argument: argument, cursor: listCursor, current: current)
            listCursor = listing.last.map { (listing.file, $0 + 1) }
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
            frameLines(stack.frames[index], selected: index == stack.index, returning: returnedValue(of: stack.frames[index]))
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
