import CPython
import QdbProtocol

/// The extensions for what pdb shows and does at a stop beyond the
/// original protocol (docs/protocol-extensions.md): `args`, `retval`,
/// `whatis`, `source`, `display`, `undisplay`, `jump`, `until N`, and
/// `complete`. Errors carry pdb's texts, with the command as their type.
extension TracerSession {
    /// pdb's `args`: the selected function's parameters, in order, `*args`
    /// and `**kwargs` included.
    func sendArguments(of frame: PythonFrame) {
        defer { PyErr_Clear() }
        var entries: [NamedValue] = []
        if let code = try? PythonObject(borrowing: frame.object).attribute("f_code"),
           let names = try? code.attribute("co_varnames"),
           let positional = try? code.attribute("co_argcount").intValue,
           let keywordOnly = try? code.attribute("co_kwonlyargcount").intValue,
           let flags = try? code.attribute("co_flags").intValue,
           let locals = try? frame.localsSnapshot() {
            // CO_VARARGS and CO_VARKEYWORDS each add one name.
            let count = positional + keywordOnly + (flags & 0x4 != 0 ? 1 : 0) + (flags & 0x8 != 0 ? 1 : 0)
            for name in names.sequenceItems.prefix(count).compactMap(\.stringValue) {
                entries.append(NamedValue(name: name, value: locals.item(name)?.reprText ?? "*** undefined ***"))
            }
        }
        send(.args(entries))
    }

    /// pdb's `retval`: at a return stop, what the frame returns.
    func sendReturnValue() {
        guard let value = currentStop?.returnValue, currentStop?.stack.index == (currentStop?.stack.entries.count ?? 0) - 1
        else { return send(.error(ErrorInfo(type: "retval", "Not yet returned!"))) }
        send(.retval(value.reprText))
    }

    /// pdb's `whatis`: a method, a function, a class, or the value's type.
    func whatis(_ payload: JSONValue, in frame: PythonFrame) {
        guard let value = inspected(payload, command: "whatis", in: frame) else { return }
        defer { PyErr_Clear() }
        let name = { (code: PythonObject?) in (try? code?.attribute("co_name").stringValue) ?? nil }
        if let method = name(try? value.attribute("__func__").attribute("__code__")) {
            send(.whatis("Method \(method)"))
        } else if let function = name(try? value.attribute("__code__")) {
            send(.whatis("Function \(function)"))
        } else if let type = try? value.attribute("__class__"), let builtinType = try? PythonObject.builtin("type"),
                  type == builtinType, let module = try? value.attribute("__module__").text,
                  let qualifiedName = try? value.attribute("__qualname__").text {
            send(.whatis("Class \(module).\(qualifiedName)"))
        } else {
            send(.whatis((try? value.attribute("__class__").text) ?? value.typeName))
        }
    }

    /// pdb's `ll` (null payload: the selected frame's function, or its
    /// whole module) and `source EXPR`, through `inspect.getsourcelines`.
    func sendSource(_ payload: JSONValue, in frame: PythonFrame) {
        let subject: PythonObject
        if payload.isNull {
            subject = PythonObject(borrowing: frame.object)
        } else {
            guard let value = inspected(payload, command: "source", in: frame) else { return }
            subject = value
        }
        defer { PyErr_Clear() }
        do throws(PythonError) {
            let inspect = try PythonObject.importModule("inspect")
            let found = try inspect.callMethod("getsourcelines", subject).sequenceItems
            let file = payload.isNull
                ? frame.file
                : ((try? inspect.callMethod("getsourcefile", subject).stringValue) ?? nil).map { FilePaths.canonical($0) }
            guard found.count == 2, let first = found[1].intValue else { return }
            let lines = found[0].sequenceItems.compactMap(\.stringValue).map { String($0.droppingOneTrailingNewline) }
            send(.source(SourceLines(file: file ?? "", firstLine: max(1, first), lines: lines)))
        } catch {
            send(.error(ErrorInfo(type: "source", error.message)))
        }
    }

    // MARK: display

    /// pdb's `display EXPR` (and `display` alone, which lists).
    func display(_ payload: JSONValue, in frame: PythonFrame) {
        let function = Self.displayKey(frame)
        if let expression = payload.stringValue, !expression.isEmpty {
            if let error = compileError(expression) {
                return send(.error(ErrorInfo(
                    type: "display", "Unable to display \(expression): \(JSONConversion.pythonRepr(.string(error)))")))
            }
            displays.add(expression, shown: displayedValue(of: expression, in: frame), for: function)
            let added = displays.entries(of: function).filter { $0.expression == expression }
            send(.display(DisplayInfo(changedOnly: false, entries: added.map { NamedValue(name: $0.expression, value: $0.shown) })))
        } else {
            let all = displays.entries(of: function).map { NamedValue(name: $0.expression, value: $0.shown) }
            send(.display(DisplayInfo(changedOnly: false, entries: all)))
        }
    }

    func undisplay(_ payload: JSONValue, in frame: PythonFrame) {
        let expression = payload.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        if !displays.remove(expression, for: Self.displayKey(frame)) {
            send(.error(ErrorInfo(type: "undisplay", "not displaying \(expression ?? "")")))
        }
    }

    /// At a stop: the display expressions of the selected function whose
    /// value changed.
    func sendChangedDisplays() {
        guard !displays.isEmpty, let frame = currentStop?.selectedFrame else { return }
        let changed = displays.refresh(for: Self.displayKey(frame)) { displayedValue(of: $0, in: frame) }
        guard !changed.isEmpty else { return }
        send(.display(DisplayInfo(
            changedOnly: true, entries: changed.map { NamedValue(name: $0.expression, value: $0.value, old: $0.old) })))
    }

    private static func displayKey(_ frame: PythonFrame) -> String {
        "\(frame.file):\(frame.firstLine):\(frame.functionName)"
    }

    /// pdb's `_getval_except`: the repr, or what the expression raised.
    private func displayedValue(of expression: String, in frame: PythonFrame) -> String {
        switch evaluator.value(of: expression, in: frame) {
        case .success(let value): value.reprText
        case .failure(let failure): "** raised \(failure.output) **"
        }
    }

    // MARK: Moving

    /// pdb's `unt N`: the line to run to, or nil after sending the error.
    func untilLine(_ payload: JSONValue, from frame: PythonFrame) -> Int?? {
        guard !payload.isNull else { return .some(nil) }
        guard let line = payload.intValue else {
            send(.error(ErrorInfo(type: "until", "Error in argument: \(JSONConversion.pythonRepr(payload))")))
            return nil
        }
        guard line > frame.line else {
            send(.error(ErrorInfo(type: "until", "\"until\" line number is smaller than current line number")))
            return nil
        }
        return line
    }

    /// pdb's `jump N`: the innermost frame's next line becomes N, with
    /// CPython's rules (no jumping into a block, out of a `finally`, ...).
    /// The program stays stopped, at N.
    func jump(_ payload: JSONValue) {
        guard var stop = currentStop, let frame = stop.selectedFrame else { return }
        guard let line = payload.intValue else {
            return send(.error(ErrorInfo(type: "jump", "The 'jump' command requires a line number")))
        }
        guard stop.stack.index == stop.stack.entries.count - 1 else {
            return send(.error(ErrorInfo(type: "jump", "You can only jump within the bottom frame")))
        }
        do throws(PythonError) {
            try PythonObject(borrowing: frame.object).setAttribute("f_lineno", PythonObject(line))
        } catch {
            PyErr_Clear()
            return send(.error(ErrorInfo(type: "jump", "Jump failed: \(error.message)")))
        }
        stop.stack.entries[stop.stack.index].line = frame.line
        currentStop = stop
        refreshWatchlist()
        send(.watchlist(watchlist.entries))
        sendStack()
    }

    // MARK: Completion

    /// Names that complete `text`: attributes after a dotted name, else the
    /// selected frame's locals, globals and builtins (`__main__`'s while
    /// the program runs). Only names are evaluated, never calls.
    func sendCompletions(_ payload: JSONValue) {
        guard let text = payload.stringValue else {
            return send(.error(ErrorInfo(type: "complete", "complete: expected the text to complete")))
        }
        defer { PyErr_Clear() }
        var names: [String] = []
        var prefix = ""
        var stem = Substring(text)
        if let dot = text.lastIndex(of: ".") {
            let owner = String(text[..<dot])
            prefix = owner + "."
            stem = text[text.index(after: dot)...]
            if owner.isDottedIdentifier, let value = namedValue(owner),
               let attributes = try? PythonObject.builtin("dir").call(value) {
                names = attributes.sequenceItems.compactMap(\.stringValue)
            }
        } else {
            for namespace in completionNamespaces() {
                names += namespace.dictionaryItems.compactMap { $0.0.stringValue }
            }
        }
        let matches = Set(names.filter { $0.hasPrefix(stem) }).sorted().map { prefix + $0 }
        send(.completions(Completions(text: text, matches: matches)))
    }

    private func completionNamespaces() -> [PythonObject] {
        let builtins = (try? PythonObject.importModule("builtins").attribute("__dict__")).map { [$0] } ?? []
        if let frame = currentStop?.selectedFrame {
            return [(try? frame.localsSnapshot()), frame.globals].compactMap { $0 } + builtins
        }
        return [(try? PythonObject.importModule("__main__").attribute("__dict__"))].compactMap { $0 } + builtins
    }

    /// The value of a dotted name, looked up without running anything
    /// but attribute access.
    private func namedValue(_ dotted: String) -> PythonObject? {
        let parts = dotted.split(separator: ".").map(String.init)
        guard let first = parts.first,
              var value = completionNamespaces().lazy.compactMap({ $0.item(first) }).first
        else { return nil }
        for part in parts.dropFirst() {
            guard let next = try? value.attribute(part) else { return nil }
            value = next
        }
        return value
    }

    // MARK: Helpers

    /// The value of the expression a command names, or nil after sending
    /// pdb's error (`*** NameError: ...`).
    private func inspected(_ payload: JSONValue, command: String, in frame: PythonFrame) -> PythonObject? {
        guard let expression = payload.stringValue, !expression.isEmpty else {
            send(.error(ErrorInfo(type: command, "\(command): expected an expression")))
            return nil
        }
        switch evaluator.value(of: expression, in: frame, applyingReprFunction: false) {
        case .success(let value):
            return value
        case .failure(let failure):
            send(.error(ErrorInfo(type: command, failure.output)))
            return nil
        }
    }
}
