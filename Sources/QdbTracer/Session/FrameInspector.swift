import CPython
import QdbProtocol

/// What pdb shows of a stopped frame beyond the original protocol
/// (docs/protocol-extensions.md): `args`, `whatis`, `source`, `display`,
/// `undisplay` and `complete`, each answered with the event to send. Errors
/// carry pdb's texts, with the command as their type. It needs a frame and
/// the evaluator, none of the session's threads or stops.
struct FrameInspector {
    let evaluator: Evaluator
    var displays = Displays()

    /// pdb's `args`: the selected function's parameters, in order, `*args`
    /// and `**kwargs` included.
    func arguments(of frame: PythonFrame) -> Event {
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
        return .args(entries)
    }

    /// pdb's `whatis`: a method, a function, a class, or the value's type.
    func whatis(_ payload: JSONValue, in frame: PythonFrame) -> Event {
        let value: PythonObject
        switch inspected(payload, command: "whatis", in: frame) {
        case .success(let found): value = found
        case .failure(let error): return .error(error.info)
        }
        defer { PyErr_Clear() }
        let name = { (code: PythonObject?) in (try? code?.attribute("co_name").stringValue) ?? nil }
        if let method = name(try? value.attribute("__func__").attribute("__code__")) {
            return .whatis("Method \(method)")
        } else if let function = name(try? value.attribute("__code__")) {
            return .whatis("Function \(function)")
        } else if let type = try? value.attribute("__class__"), let builtinType = try? PythonObject.builtin("type"),
                  type == builtinType, let module = try? value.attribute("__module__").text,
                  let qualifiedName = try? value.attribute("__qualname__").text {
            return .whatis("Class \(module).\(qualifiedName)")
        } else {
            return .whatis((try? value.attribute("__class__").text) ?? value.typeName)
        }
    }

    /// pdb's `ll` (null payload: the selected frame's function, or its
    /// whole module) and `source EXPR`, through `inspect.getsourcelines`.
    func source(_ payload: JSONValue, in frame: PythonFrame) -> Event? {
        let subject: PythonObject
        if payload.isNull {
            subject = PythonObject(borrowing: frame.object)
        } else {
            switch inspected(payload, command: "source", in: frame) {
            case .success(let value): subject = value
            case .failure(let error): return .error(error.info)
            }
        }
        defer { PyErr_Clear() }
        do throws(PythonError) {
            let inspect = try PythonObject.importModule("inspect")
            let found = try inspect.callMethod("getsourcelines", subject).sequenceItems
            let file = payload.isNull
                ? frame.file
                : ((try? inspect.callMethod("getsourcefile", subject).stringValue) ?? nil).map { FilePaths.canonical($0) }
            guard found.count == 2, let first = found[1].intValue else { return nil }
            let lines = found[0].sequenceItems.compactMap(\.stringValue).map { String($0.droppingOneTrailingNewline) }
            return .source(SourceLines(file: file ?? "", firstLine: max(1, first), lines: lines))
        } catch {
            return .error(ErrorInfo(type: "source", error.message))
        }
    }

    // MARK: display

    /// pdb's `display EXPR` (and `display` alone, which lists).
    mutating func display(_ payload: JSONValue, in frame: PythonFrame) -> Event {
        let function = Self.displayKey(frame)
        if let expression = payload.stringValue, !expression.isEmpty {
            if let error = Evaluator.compileError(expression) {
                return .error(ErrorInfo(
                    type: "display", "Unable to display \(expression): \(JSONConversion.pythonRepr(.string(error)))"))
            }
            displays.add(expression, shown: Self.displayedValue(of: expression, in: frame, evaluator: evaluator), for: function)
            let added = displays.entries(of: function).filter { $0.expression == expression }
            return .display(DisplayInfo(
                changedOnly: false, entries: added.map { NamedValue(name: $0.expression, value: $0.shown) }))
        }
        let all = displays.entries(of: function).map { NamedValue(name: $0.expression, value: $0.shown) }
        return .display(DisplayInfo(changedOnly: false, entries: all))
    }

    /// No reply, unless the expression was not displayed.
    mutating func undisplay(_ payload: JSONValue, in frame: PythonFrame) -> Event? {
        let expression = payload.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        guard displays.remove(expression, for: Self.displayKey(frame)) else {
            return .error(ErrorInfo(type: "undisplay", "not displaying \(expression ?? "")"))
        }
        return nil
    }

    /// At a stop in `frame`: the display expressions of its function
    /// whose value changed, if any.
    mutating func changedDisplays(in frame: PythonFrame) -> Event? {
        guard !displays.isEmpty else { return nil }
        // The evaluator alone, not self: `displays` is being changed.
        let evaluator = self.evaluator
        let changed = displays.refresh(for: Self.displayKey(frame)) {
            Self.displayedValue(of: $0, in: frame, evaluator: evaluator)
        }
        guard !changed.isEmpty else { return nil }
        return .display(DisplayInfo(
            changedOnly: true, entries: changed.map { NamedValue(name: $0.expression, value: $0.value, old: $0.old) }))
    }

    private static func displayKey(_ frame: PythonFrame) -> String {
        "\(frame.file):\(frame.firstLine):\(frame.functionName)"
    }

    /// pdb's `_getval_except`: the repr, or what the expression raised.
    private static func displayedValue(of expression: String, in frame: PythonFrame, evaluator: Evaluator) -> String {
        switch evaluator.value(of: expression, in: frame) {
        case .success(let value): value.reprText
        case .failure(let failure): "** raised \(failure.output) **"
        }
    }

    // MARK: Completion

    /// Names that complete `text`: attributes after a dotted name, else the
    /// selected frame's locals, globals and builtins (`__main__`'s while
    /// the program runs). Only names are evaluated, never calls.
    func completions(_ payload: JSONValue, in frame: PythonFrame?) -> Event {
        guard let text = payload.stringValue ?? payload["text"]?.stringValue else {
            return .error(ErrorInfo(type: "complete", "complete: expected the text to complete"))
        }
        defer { PyErr_Clear() }
        var names: [String] = []
        var prefix = ""
        var stem = Substring(text)
        if let dot = text.lastIndex(of: ".") {
            let owner = String(text[..<dot])
            prefix = owner + "."
            stem = text[text.index(after: dot)...]
            if owner.isDottedIdentifier, let value = namedValue(owner, in: frame),
               let attributes = try? PythonObject.builtin("dir").call(value) {
                names = attributes.sequenceItems.compactMap(\.stringValue)
            }
        } else {
            for namespace in completionNamespaces(of: frame) {
                names += namespace.dictionaryItems.compactMap { $0.0.stringValue }
            }
        }
        var matches = Set(names.filter { $0.hasPrefix(stem) }).sorted().map { prefix + $0 }
        if payload["locations"]?.boolValue == true {
            matches += locations(startingWith: text)
        }
        return .completions(Completions(text: text, matches: matches))
    }

    /// The folders (with `/`) and Python files (with `:`) whose paths
    /// start with `text`, from the program's working directory: the files
    /// pdb's `break` completes.
    private func locations(startingWith text: String) -> [String] {
        defer { PyErr_Clear() }
        guard let glob = try? PythonObject.importModule("glob"),
              let path = try? PythonObject.importModule("os").attribute("path"),
              let pattern = try? glob.callMethod("escape", PythonObject(text)).stringValue,
              let found = try? glob.callMethod("glob", PythonObject(pattern + "*"))
        else { return [] }
        return found.sequenceItems.compactMap { entry in
            guard let name = entry.stringValue else { return nil }
            if (try? path.callMethod("isdir", entry).isTrue) == true {
                return name + "/"
            }
            let lowered = name.lowercased()
            let isPython = lowered.hasSuffix(".py") || lowered.hasSuffix(".pyw")
            return isPython && (try? path.callMethod("isfile", entry).isTrue) == true ? name + ":" : nil
        }.sorted()
    }

    private func completionNamespaces(of frame: PythonFrame?) -> [PythonObject] {
        let builtins = (try? PythonObject.importModule("builtins").attribute("__dict__")).map { [$0] } ?? []
        if let frame {
            return [(try? frame.localsSnapshot()), frame.globals].compactMap { $0 } + builtins
        }
        return [(try? PythonObject.importModule("__main__").attribute("__dict__"))].compactMap { $0 } + builtins
    }

    /// The value of a dotted name, looked up without running anything
    /// but attribute access.
    private func namedValue(_ dotted: String, in frame: PythonFrame?) -> PythonObject? {
        let parts = dotted.split(separator: ".").map(String.init)
        guard let first = parts.first,
              var value = completionNamespaces(of: frame).lazy.compactMap({ $0.item(first) }).first
        else { return nil }
        for part in parts.dropFirst() {
            guard let next = try? value.attribute(part) else { return nil }
            value = next
        }
        return value
    }

    // MARK: Helpers

    /// The value of the expression a command names, or pdb's error
    /// (`*** NameError: ...`).
    private func inspected(
        _ payload: JSONValue, command: String, in frame: PythonFrame
    ) -> Result<PythonObject, InspectionError> {
        guard let expression = payload.stringValue, !expression.isEmpty else {
            return .failure(InspectionError(ErrorInfo(type: command, "\(command): expected an expression")))
        }
        switch evaluator.value(of: expression, in: frame, applyingReprFunction: false) {
        case .success(let value):
            return .success(value)
        case .failure(let failure):
            return .failure(InspectionError(ErrorInfo(type: command, failure.output)))
        }
    }
}

/// pdb's error for an expression a command names.
struct InspectionError: Error {
    let info: ErrorInfo

    init(_ info: ErrorInfo) {
        self.info = info
    }
}
