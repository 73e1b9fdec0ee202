import QdbProtocol

/// pdb's breakpoint commands: `b`, `tbreak`, `cl`, `disable`/`enable`,
/// `condition`, `ignore`, and `commands N` ... `end`.
extension ConsoleSession {
    /// `b LOCATION`, `tbreak` and `cl LOCATION`: pdb's numbered
    /// breakpoints (the client session sends them the original's way to an
    /// original tracer).
    mutating func breakpoint(_ argument: String, temporary: Bool, command: ConsoleCommand) -> ConsoleAction {
        let parser = BreakpointArgument(currentFile: stack?.selectedFrame?.file)
        let payload: JSONValue
        do {
            payload = try parser.payload(for: argument, temporary: temporary)
        } catch {
            return .error(.error(command.usage, error.message))
        }
        return .send(command == .clear ? .deleteBreak(payload) : .addBreak(payload))
    }

    /// `cl`: by numbers, by location, or (after asking) all.
    mutating func clear(_ argument: String?) -> ConsoleAction {
        guard let argument else {
            mode = .confirmingClearAll
            return .none
        }
        let words = argument.split(separator: " ").map(String.init)
        if words.allSatisfy({ Int($0) != nil }) {
            return .sendAll(words.map { .deleteBreak(JSONValue(Int($0)!)) })
        }
        return breakpoint(argument, temporary: false, command: .clear)
    }

    mutating func confirmClearAll(_ line: String) -> ConsoleAction {
        mode = .commands
        let reply = line.trimmingWhitespace().lowercased()
        return reply == "y" || reply == "yes" ? .send(.deleteBreak(.null)) : .none
    }

    /// `disable`/`enable N...`: the tracer checks each number, so that its
    /// errors are pdb's.
    func enable(_ argument: String, _ isEnabled: Bool) -> ConsoleAction {
        .sendAll(argument.split(separator: " ").map { number in
            .updateBreak(["number": Self.breakpointNumber(number), "enabled": .bool(isEnabled)])
        })
    }

    func condition(_ argument: String) -> ConsoleAction {
        let (number, condition) = Self.split(argument)
        return .send(.updateBreak(["number": Self.breakpointNumber(number), "cond": JSONValue(condition)]))
    }

    func ignore(_ argument: String) -> ConsoleAction {
        let words = argument.split(separator: " ")
        guard words.count <= 2, let number = words.first, let count = words.count == 2 ? Int(words[1]) : 0 else {
            return Self.invalidArgument(argument, usage: "ignore bpnumber [count]")
        }
        return .send(.updateBreak(["number": Self.breakpointNumber(number), "ignore": JSONValue(count)]))
    }

    /// A number as a number, anything else as typed: the tracer answers
    /// with pdb's "Non-numeric breakpoint number x".
    static func breakpointNumber(_ text: some StringProtocol) -> JSONValue {
        Int(text).map { JSONValue($0) } ?? .string(String(text))
    }

    // MARK: commands N ... end

    mutating func startBreakpointCommands(_ argument: String?) -> ConsoleAction {
        guard let number = argument ?? knownBreakpoints.last.map({ String($0.number) }) else {
            return .error(ConsoleLine("*** cannot set commands: Breakpoint number expected", .error))
        }
        mode = .breakpointCommands(number: number, lines: [])
        return .none
    }

    /// One line of `commands`: `end`, or a command kept for the tracer to
    /// run. A command that resumes the program ends the list, as in pdb.
    mutating func collectBreakpointCommand(_ line: String, number: String, lines: [String]) -> ConsoleAction {
        let line = line.trimmingWhitespace()
        guard line != "end" else { return finishBreakpointCommands(number: number, lines: lines) }
        guard !line.isEmpty else { return .none }
        let lines = lines + [line]
        if let command = ConsoleCommand(name: Self.split(line).word), command.resumesProgram {
            return finishBreakpointCommands(number: number, lines: lines)
        }
        mode = .breakpointCommands(number: number, lines: lines)
        return .none
    }

    mutating func finishBreakpointCommands(number: String, lines: [String]) -> ConsoleAction {
        mode = .commands
        return .send(.updateBreak(["number": Self.breakpointNumber(number), "commands": .array(lines.map(JSONValue.string))]))
    }
}
