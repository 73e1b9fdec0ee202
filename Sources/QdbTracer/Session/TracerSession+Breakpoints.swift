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
        Evaluator.compileError(condition).map { "Invalid condition \(condition): \(JSONConversion.pythonRepr(.string($0)))" }
    }

    func function(named name: String) -> FunctionLocation? {
        let frame = currentStop?.selectedFrame
        return FunctionLookup(evaluator: evaluator)
            .function(named: name, in: frame, file: frame?.file ?? options.defaultFile, sources: &sources)
    }
}
