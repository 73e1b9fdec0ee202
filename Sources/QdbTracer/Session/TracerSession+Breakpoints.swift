import CPython
import QdbProtocol

/// Breakpoint commands: the rules are `BreakpointEditor`'s; this gives it
/// what only the program and Python know, and carries out its edits.
extension TracerSession: BreakpointEnvironment {
    /// `set_break` (the original's, with no reply) and `add_break` (the
    /// extension, answered with the numbered breakpoint).
    func setBreakpoint(_ payload: JSONValue, numbered: Bool) {
        var editor = BreakpointEditor(environment: self)
        switch editor.read(payload, command: numbered ? "add_break" : "set_break", numbered: numbered) {
        case .success(let request):
            apply(editor.set(request, from: payload, numbered: numbered, in: &breakpoints))
        case .failure(let failure):
            apply(failure.edit)
        }
    }

    func clearBreakpoint(_ payload: JSONValue) {
        let editor = BreakpointEditor(environment: self)
        switch editor.read(payload, command: "clear_break") {
        case .success(let request): apply(editor.clear(request, in: &breakpoints))
        case .failure(let failure): apply(failure.edit)
        }
    }

    func sendNumberedBreakpoints() {
        apply(BreakpointEditor(environment: self).list(breakpoints))
    }

    /// `delete_break`: a number, a place, or null for all.
    func deleteBreakpoints(_ payload: JSONValue) {
        let editor = BreakpointEditor(environment: self)
        switch payload {
        case .null:
            apply(editor.delete(.all, in: &breakpoints))
        case .object:
            switch editor.read(payload, command: "delete_break") {
            case .success(let request): apply(editor.delete(.place(request), in: &breakpoints))
            case .failure(let failure): apply(failure.edit)
            }
        default:
            apply(editor.delete(.number(payload), in: &breakpoints))
        }
    }

    /// `update_break`: pdb's `enable`, `disable`, `condition`, `ignore`
    /// and `commands`.
    func updateBreakpoint(_ payload: JSONValue) {
        apply(BreakpointEditor(environment: self).update(payload, in: &breakpoints))
    }

    /// The tracing follows a changed table before the replies go out.
    private func apply(_ edit: BreakpointEdit) {
        if edit.changesTable {
            breakpointsChanged()
        }
        for reply in edit.replies {
            send(reply)
        }
    }

    // MARK: BreakpointEnvironment

    func lines(of file: String) -> [String]? {
        sources.lines(of: file)
    }

    var defaultFile: String? { options.defaultFile }

    func canonical(_ path: String) -> String {
        FilePaths.canonical(path)
    }

    func pythonRepr(_ payload: JSONValue) -> String {
        JSONConversion.pythonRepr(payload)
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

    /// Where the function `name` is, as pdb finds it: evaluated in the
    /// selected frame (or in `__main__` while running), or else, for a
    /// function not defined yet, the first `def name` in the source of the
    /// current file.
    func function(named name: String) -> FunctionLocation? {
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
