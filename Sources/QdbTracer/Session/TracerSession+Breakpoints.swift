import CPython
import Glibc
import QdbProtocol

/// Breakpoint commands: the original's `set_break` and `clear_break`, and
/// the extensions for pdb's numbered breakpoints (`breaks`, `add_break`,
/// `delete_break`, `update_break`; docs/protocol-extensions.md).
extension TracerSession {
    /// `set_break` (the original's, with no reply) and `add_break` (the
    /// extension, answered with the numbered breakpoint, and with pdb's
    /// checks of the line and the condition).
    func setBreakpoint(_ payload: JSONValue, numbered: Bool) {
        let command = numbered ? "add_break" : "set_break"
        guard !payload.isNull else { return payloadMissing(command) }
        guard let request = breakpointRequest(payload, command: command, numbered: numbered) else { return }
        let lines = sources.lines(of: request.file) ?? []
        if numbered && access(request.file, R_OK) != 0 {
            let name = payload["file"]?.stringValue ?? request.file
            return send(.error(ErrorInfo(type: command, "'\(name)' not found from sys.path")))
        }
        guard request.line >= 1 && request.line <= lines.count else {
            guard !numbered else {
                return send(.error(ErrorInfo(type: command, Self.endOfFile)))
            }
            let described = JSONConversion.pythonRepr([
                "file": .string(request.file), "line": JSONValue(request.line),
                "temp": request.temporary.map(JSONValue.bool) ?? .null,
                "cond": JSONValue(request.condition), "func": JSONValue(request.function),
            ])
            send(.error(ErrorInfo(type: "set_breakpoint", "Failed to set breakpoint: \(described)")))
            return
        }
        if numbered {
            if let error = Self.pdbLineError(lines[request.line - 1]) ?? request.condition.flatMap(conditionError) {
                return send(.error(ErrorInfo(type: command, error)))
            }
        }
        let added = breakpoints.add(
            file: request.file, line: request.line, temporary: request.temporary,
            condition: request.condition, function: request.function, isAnnounced: numbered)
        breakpointsChanged()
        if numbered {
            send(.breakChanged(BreakpointChangeInfo(.set, added.numbered)))
        }
    }

    /// pdb's answer to a line past the end of the file.
    static let endOfFile = "End of file"

    /// pdb's `checkline`: a line that can hold a breakpoint is neither
    /// blank nor a comment nor a docstring's first line. (A function
    /// breakpoint is on its `def` line, which passes.)
    private static func pdbLineError(_ line: String) -> String? {
        let code = line.trimmingWhitespace
        if code.isEmpty || code.hasPrefix("#") || code.hasPrefix("\"\"\"") || code.hasPrefix("'''") {
            return "Blank or comment"
        }
        return nil
    }

    /// pdb's check of a condition: it must compile.
    func conditionError(_ condition: String) -> String? {
        compileError(condition).map { "Invalid condition \(condition): \(JSONConversion.pythonRepr(.string($0)))" }
    }

    /// What compile() says of `source` as an expression, the way pdb
    /// quotes it (`SyntaxError: invalid syntax`), or nil when it compiles.
    func compileError(_ source: String) -> String? {
        defer { PyErr_Clear() }
        do throws(PythonError) {
            _ = try PythonObject.builtin("compile").call(
                PythonObject(source), PythonObject(Evaluator.sourceName), PythonObject("eval"))
            return nil
        } catch {
            let lines = try? PythonObject.importModule("traceback")
                .callMethod("format_exception_only", error.type, error.value).sequenceItems
            return lines?.last?.stringValue?.trimmingWhitespace.description ?? error.summary
        }
    }

    func clearBreakpoint(_ payload: JSONValue) {
        guard !payload.isNull else { return payloadMissing("clear_break") }
        guard let request = breakpointRequest(payload, command: "clear_break") else { return }
        breakpoints.clear(file: request.file, line: request.line)
        breakpointsChanged()
    }

    // MARK: Numbered breakpoints (pdb's)

    func sendNumberedBreakpoints() {
        send(.breaks(breakpoints.all.map(\.numbered)))
    }

    /// `delete_break`: a number, a location (as `clear_break`'s), or null
    /// for all; each deleted breakpoint is reported in a `break` event.
    func deleteBreakpoints(_ payload: JSONValue) {
        let command = "delete_break"
        let doomed: [Breakpoint]
        switch payload {
        case .null:
            doomed = breakpoints.all
        case .object:
            guard let request = breakpointRequest(payload, command: command) else { return }
            doomed = breakpoints.breakpoints(atFile: request.file, line: request.line)
            guard !doomed.isEmpty else {
                let error = breakpoints.hasBreakpoints(inFile: request.file)
                    ? "There is no breakpoint at \(request.file):\(request.line)"
                    : "There are no breakpoints in \(request.file)"
                return send(.error(ErrorInfo(type: command, error)))
            }
        default:
            do throws(BreakpointNumberError) {
                doomed = [try breakpoints.breakpoint(numbered: payload)]
            } catch {
                return send(.error(ErrorInfo(type: command, error.description)))
            }
        }
        for breakpoint in doomed {
            breakpoints.remove(number: breakpoint.number)
        }
        breakpointsChanged()
        for breakpoint in doomed {
            send(.breakChanged(BreakpointChangeInfo(.deleted, breakpoint.numbered)))
        }
    }

    /// `update_break {"number": N, FIELD: VALUE}`: pdb's `enable`,
    /// `disable`, `condition`, `ignore` and `commands`, one field at a time.
    func updateBreakpoint(_ payload: JSONValue) {
        let command = "update_break"
        guard payload.objectValue != nil else {
            return send(.error(ErrorInfo(type: command, "update_break: expected {\"number\": N, FIELD: VALUE}")))
        }
        let breakpoint: Breakpoint
        do throws(BreakpointNumberError) {
            breakpoint = try breakpoints.breakpoint(numbered: payload["number"])
        } catch {
            return send(.error(ErrorInfo(type: command, error.description)))
        }
        let number = breakpoint.number
        let action: BreakpointChangeInfo.Action
        if let enabled = payload["enabled"] {
            guard let isEnabled = enabled.boolValue else { return badField("enabled", "true or false") }
            breakpoints.setEnabled(isEnabled, number: number)
            action = isEnabled ? .enabled : .disabled
        } else if let condition = payload["cond"] {
            guard condition.isNull || condition.stringValue != nil else { return badField("cond", "a string or null") }
            let text = condition.stringValue.flatMap { $0.isEmpty ? nil : $0 }
            if let error = text.flatMap(conditionError) {
                return send(.error(ErrorInfo(type: command, error)))
            }
            breakpoints.setCondition(text, number: number)
            action = .condition
        } else if let ignore = payload["ignore"] {
            guard let count = ignore.intValue else { return badField("ignore", "an integer") }
            breakpoints.setIgnoreCount(count, number: number)
            action = .ignore
        } else if let commands = payload["commands"] {
            guard let lines = commands.arrayValue?.compactMap(\.stringValue), lines.count == commands.arrayValue?.count
            else { return badField("commands", "a list of strings") }
            breakpoints.setCommands(lines, number: number)
            action = .commands
        } else {
            return send(.error(ErrorInfo(type: command, "update_break: expected one of enabled, cond, ignore, commands")))
        }
        breakpointsChanged()
        if let updated = breakpoints.all.first(where: { $0.number == number }) {
            send(.breakChanged(BreakpointChangeInfo(action, updated.numbered)))
        }
    }

    private func badField(_ field: String, _ expected: String) {
        send(.error(ErrorInfo(type: "update_break", "update_break: '\(field)' must be \(expected)")))
    }

    /// Reads `{"file","line","temp","cond","func"}`: a relative file is
    /// resolved against the working directory, a missing one is the
    /// default file. `{"func": NAME}` alone names a function visible from
    /// the selected frame, as pdb's `break NAME`. Sends the documented
    /// error and returns nil when the payload will not do.
    func breakpointRequest(_ payload: JSONValue, command: String, numbered: Bool = false) -> BreakpointInfo? {
        let cannotRead = ErrorInfo(type: command, "Could not read Breakpoint from \(JSONConversion.pythonRepr(payload))")
        guard payload.objectValue != nil else {
            send(.error(cannotRead))
            return nil
        }
        let condition = payload["cond"]?.nonNull
        let function = payload["func"]?.nonNull
        let temporary = payload["temp"]?.nonNull
        guard condition == nil || condition?.stringValue != nil, function == nil || function?.stringValue != nil,
              temporary == nil || temporary?.boolValue != nil
        else {
            send(.error(cannotRead))
            return nil
        }
        if payload["line"]?.nonNull == nil, let name = function?.stringValue {
            guard let located = locateFunction(name) else {
                let error = numbered
                    ? "The specified object '\(name)' is not a function or was not found along sys.path."
                    : "Could not find function '\(name)' (not defined yet? try FILE:LINE)"
                send(.error(ErrorInfo(type: command, error)))
                return nil
            }
            // pdb (3.13) puts a function's breakpoint on its first line
            // that runs; the original, on its `def` line.
            return BreakpointInfo(
                file: located.file, line: numbered ? located.firstLine : located.defLine,
                temporary: temporary?.boolValue, condition: condition?.stringValue, function: located.name)
        }
        let file = payload["file"]?.stringValue.map { FilePaths.canonical($0) } ?? options.defaultFile
        guard let file, let line = payload["line"]?.intValue else {
            send(.error(cannotRead))
            return nil
        }
        return BreakpointInfo(
            file: file, line: line, temporary: temporary?.boolValue, condition: condition?.stringValue,
            function: function?.stringValue)
    }

    /// A function a breakpoint names: its code's name, file, `def` line
    /// and first line that runs.
    private struct FunctionLocation {
        let name: String
        let file: String
        let defLine: Int
        let firstLine: Int
    }

    /// Where the function `name` is, as pdb finds it: evaluated in the
    /// selected frame (or in `__main__` while running), or else, for a
    /// function not defined yet, the first `def name` in the source of the
    /// current file.
    private func locateFunction(_ name: String) -> FunctionLocation? {
        defer { PyErr_Clear() }
        let found: PythonObject?
        if let frame = currentStop?.selectedFrame {
            found = try? evaluator.value(of: name, in: frame, applyingReprFunction: false).get()
        } else {
            found = try? PythonObject.importModule("__main__").attribute("__dict__").item(name)
        }
        if var function = found {
            if let underlying = try? function.attribute("__func__") {
                function = underlying
            }
            if let code = try? function.attribute("__code__") {
                return Self.location(of: code)
            }
        }
        return functionInSource(name)
    }

    /// The first function called `name` in the current file's source.
    private func functionInSource(_ name: String) -> FunctionLocation? {
        guard let file = currentStop?.selectedFrame?.file ?? options.defaultFile,
              let lines = sources.lines(of: file),
              let module = try? PythonObject.builtin("compile").call(
                  PythonObject(lines.joined(separator: "\n")), PythonObject(file), PythonObject("exec"))
        else { return nil }
        var candidates = [module]
        var best: FunctionLocation?
        while let code = candidates.popLast() {
            for constant in (try? code.attribute("co_consts").sequenceItems) ?? [] {
                guard (try? constant.attribute("co_consts")) != nil else { continue }
                candidates.append(constant)
                if let location = Self.location(of: constant), location.name == name,
                   location.defLine < best?.defLine ?? Int.max {
                    best = location
                }
            }
        }
        return best.map { FunctionLocation(name: $0.name, file: file, defLine: $0.defLine, firstLine: $0.firstLine) }
    }

    /// A code object's place. Its first line that runs is the first line
    /// its bytecode has past the `def` line (where RESUME is), as pdb's
    /// `find_first_executable_line` finds it.
    private static func location(of code: PythonObject) -> FunctionLocation? {
        guard let file = try? code.attribute("co_filename").stringValue,
              let defLine = try? code.attribute("co_firstlineno").intValue,
              let name = try? code.attribute("co_name").stringValue
        else { return nil }
        let ranges = (try? code.callMethod("co_lines")).flatMap { try? PythonObject.builtin("list").call($0).sequenceItems } ?? []
        let firstLine = ranges.lazy.compactMap { $0.sequenceItems.last?.intValue }.first { $0 != defLine } ?? defLine
        return FunctionLocation(name: name, file: FilePaths.canonical(file), defLine: defLine, firstLine: firstLine)
    }
}
