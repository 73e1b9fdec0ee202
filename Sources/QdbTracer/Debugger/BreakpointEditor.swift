import QdbProtocol

/// What breakpoint commands need from outside the table: the sources, and
/// what only Python can answer. The session provides it; tests provide
/// their own, so that the rules below run without an interpreter.
protocol BreakpointEnvironment {
    /// The lines of `file`, nil when it cannot be read.
    mutating func lines(of file: String) -> [String]?
    /// pdb's complaint about a condition that does not compile, if any.
    func conditionError(_ condition: String) -> String?
    /// The function a breakpoint names, as pdb finds it.
    func function(named name: String) -> FunctionLocation?
    /// The file of a breakpoint sent without one (the original's option).
    var defaultFile: String? { get }
    /// A client's path as the table keeps it (absolute, normalised).
    func canonical(_ path: String) -> String
    /// Python's `repr()` of a payload, as the original's errors quote it.
    func pythonRepr(_ payload: JSONValue) -> String
}

/// A function a breakpoint names: its code's name, file, `def` line and
/// first line that runs.
struct FunctionLocation: Equatable {
    let name: String
    let file: String
    let defLine: Int
    let firstLine: Int
}

/// What a breakpoint command did: the replies to send, and whether the
/// table changed (then the tracing must follow it, before the replies go).
struct BreakpointEdit: Equatable {
    var replies: [Event] = []
    var changesTable = false

    static func error(_ type: String, _ text: String) -> BreakpointEdit {
        BreakpointEdit(replies: [.error(ErrorInfo(type: type, text))])
    }
}

/// The breakpoint commands, the original's (`set_break`, `clear_break`)
/// and pdb's numbered ones (`breaks`, `add_break`, `delete_break`,
/// `update_break`; docs/protocol-extensions.md), as edits of the table
/// with pdb's checks and texts.
///
/// A command that names a place is read first (`read`), then carried out
/// on the table: reading may run Python (a function's name is evaluated),
/// during which other threads run and hit breakpoints, so the table must
/// not be held then.
struct BreakpointEditor<Environment: BreakpointEnvironment> {
    var environment: Environment

    /// `set_break` (no reply) or `add_break` (`numbered`: answered with
    /// the numbered breakpoint, after pdb's checks of the line and the
    /// condition), for the place `read` found in `payload`.
    mutating func set(
        _ request: BreakpointInfo, from payload: JSONValue, numbered: Bool, in table: inout BreakpointTable
    ) -> BreakpointEdit {
        let command = numbered ? "add_break" : "set_break"
        let lines = environment.lines(of: request.file)
        if numbered && lines == nil {
            let name = payload["file"]?.stringValue ?? request.file
            return .error(command, "'\(name)' not found from sys.path")
        }
        let source = lines ?? []
        guard request.line >= 1 && request.line <= source.count else {
            guard !numbered else { return .error(command, ErrorInfo.endOfFile) }
            let described = environment.pythonRepr([
                "file": .string(request.file), "line": JSONValue(request.line),
                "temp": request.temporary.map(JSONValue.bool) ?? .null,
                "cond": JSONValue(request.condition), "func": JSONValue(request.function),
            ])
            return .error("set_breakpoint", "Failed to set breakpoint: \(described)")
        }
        if numbered, let error = Self.lineError(source[request.line - 1])
            ?? request.condition.flatMap(environment.conditionError) {
            return .error(command, error)
        }
        let added = table.add(
            file: request.file, line: request.line, temporary: request.temporary,
            condition: request.condition, function: request.function, isAnnounced: numbered)
        return BreakpointEdit(replies: numbered ? [.breakChanged(BreakpointChangeInfo(.set, added.numbered))] : [],
                              changesTable: true)
    }

    /// `clear_break` of the place `read` found: no reply.
    func clear(_ request: BreakpointInfo, in table: inout BreakpointTable) -> BreakpointEdit {
        table.clear(file: request.file, line: request.line)
        return BreakpointEdit(changesTable: true)
    }

    /// `breaks`: the numbered list.
    func list(_ table: BreakpointTable) -> BreakpointEdit {
        BreakpointEdit(replies: [.breaks(table.all.map(\.numbered))])
    }

    /// What `delete_break` deletes: a number, a place (as `clear_break`'s,
    /// found by `read`), or all.
    enum Deletion {
        case number(JSONValue)
        case place(BreakpointInfo)
        case all
    }

    /// `delete_break`: each deleted breakpoint is reported in a `break`
    /// event.
    func delete(_ deletion: Deletion, in table: inout BreakpointTable) -> BreakpointEdit {
        let command = "delete_break"
        let doomed: [Breakpoint]
        switch deletion {
        case .all:
            doomed = table.all
        case .place(let request):
            doomed = table.breakpoints(atFile: request.file, line: request.line)
            guard !doomed.isEmpty else {
                return .error(command, table.hasBreakpoints(inFile: request.file)
                    ? "There is no breakpoint at \(request.file):\(request.line)"
                    : "There are no breakpoints in \(request.file)")
            }
        case .number(let number):
            do throws(BreakpointNumberError) {
                doomed = [try table.breakpoint(numbered: number)]
            } catch {
                return .error(command, error.description)
            }
        }
        for breakpoint in doomed {
            table.remove(number: breakpoint.number)
        }
        return BreakpointEdit(
            replies: doomed.map { .breakChanged(BreakpointChangeInfo(.deleted, $0.numbered)) }, changesTable: true)
    }

    /// `update_break {"number": N, FIELD: VALUE}`: pdb's `enable`,
    /// `disable`, `condition`, `ignore` and `commands`, one field at a time.
    func update(_ payload: JSONValue, in table: inout BreakpointTable) -> BreakpointEdit {
        let command = "update_break"
        guard payload.objectValue != nil else {
            return .error(command, "update_break: expected {\"number\": N, FIELD: VALUE}")
        }
        let number: Int
        do throws(BreakpointNumberError) {
            number = try table.breakpoint(numbered: payload["number"]).number
        } catch {
            return .error(command, error.description)
        }
        let badField = { (field: String, expected: String) in
            BreakpointEdit.error(command, "update_break: '\(field)' must be \(expected)")
        }
        let action: BreakpointChangeInfo.Action
        if let enabled = payload["enabled"] {
            guard let isEnabled = enabled.boolValue else { return badField("enabled", "true or false") }
            table.setEnabled(isEnabled, number: number)
            action = isEnabled ? .enabled : .disabled
        } else if let condition = payload["cond"] {
            guard condition.isNull || condition.stringValue != nil else { return badField("cond", "a string or null") }
            let text = condition.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            if let error = text.flatMap(environment.conditionError) {
                return .error(command, error)
            }
            table.setCondition(text, number: number)
            action = .condition
        } else if let ignore = payload["ignore"] {
            guard let count = ignore.intValue else { return badField("ignore", "an integer") }
            table.setIgnoreCount(count, number: number)
            action = .ignore
        } else if let commands = payload["commands"] {
            guard let list = commands.arrayValue, case let lines = list.compactMap(\.stringValue), lines.count == list.count
            else { return badField("commands", "a list of strings") }
            table.setCommands(lines, number: number)
            action = .commands
        } else {
            return .error(command, "update_break: expected one of enabled, cond, ignore, commands")
        }
        let updated = table.all.first { $0.number == number }
        return BreakpointEdit(
            replies: updated.map { [.breakChanged(BreakpointChangeInfo(action, $0.numbered))] } ?? [],
            changesTable: true)
    }

    /// pdb's `checkline`: a line that can hold a breakpoint is neither
    /// blank nor a comment nor a docstring's first line. (A function
    /// breakpoint is on its `def` line, which passes.)
    static func lineError(_ line: String) -> String? {
        let code = line.trimmingWhitespace()
        if code.isEmpty || code.hasPrefix("#") || code.hasPrefix("\"\"\"") || code.hasPrefix("'''") {
            return "Blank or comment"
        }
        return nil
    }

    /// Reads `{"file","line","temp","cond","func"}`, the place a command
    /// names: a relative file is resolved against the working directory,
    /// a missing one is the default file. `{"func": NAME}` alone names a
    /// function, as pdb's `break NAME`; pdb (3.13) puts its breakpoint on
    /// the function's first line that runs, the original on its `def` line.
    /// The failure is the documented error.
    func read(
        _ payload: JSONValue, command: String, numbered: Bool = false
    ) -> Result<BreakpointInfo, BreakpointEditFailure> {
        guard !payload.isNull else {
            return .failure(BreakpointEditFailure(.error("payload", "\(command): expected payload")))
        }
        let cannotRead = BreakpointEditFailure(
            .error(command, "Could not read Breakpoint from \(environment.pythonRepr(payload))"))
        guard payload.objectValue != nil else { return .failure(cannotRead) }
        let condition = payload["cond"]?.nonNull
        let function = payload["func"]?.nonNull
        let temporary = payload["temp"]?.nonNull
        guard condition == nil || condition?.stringValue != nil, function == nil || function?.stringValue != nil,
              temporary == nil || temporary?.boolValue != nil
        else { return .failure(cannotRead) }
        if payload["line"]?.nonNull == nil, let name = function?.stringValue {
            guard let located = environment.function(named: name) else {
                let error = numbered
                    ? "The specified object '\(name)' is not a function or was not found along sys.path."
                    : "Could not find function '\(name)' (not defined yet? try FILE:LINE)"
                return .failure(BreakpointEditFailure(.error(command, error)))
            }
            return .success(BreakpointInfo(
                file: located.file, line: numbered ? located.firstLine : located.defLine,
                temporary: temporary?.boolValue, condition: condition?.stringValue, function: located.name))
        }
        let file = payload["file"]?.stringValue.map(environment.canonical) ?? environment.defaultFile
        guard let file, let line = payload["line"]?.intValue else { return .failure(cannotRead) }
        return .success(BreakpointInfo(
            file: file, line: line, temporary: temporary?.boolValue, condition: condition?.stringValue,
            function: function?.stringValue))
    }
}

/// A request that could not be read: the edit that says so.
struct BreakpointEditFailure: Error {
    let edit: BreakpointEdit

    init(_ edit: BreakpointEdit) {
        self.edit = edit
    }
}
