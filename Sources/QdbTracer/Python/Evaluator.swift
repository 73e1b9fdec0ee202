import CPython
import QdbProtocol

/// Runs the user's code in a frame of the program: `eval`/`pprint`
/// commands, watch expressions and breakpoint conditions. Everything runs
/// with the config's `default_namespace` visible, under
/// `execution_timeout`, and through `eval_fn`, `repr_fn` and
/// `exception_serializer` when the config gives them. A class: the session
/// and its inspector share one, and a condition evaluated at every hit of
/// a hot loop must not copy it.
final class Evaluator {
    let evalFunction: PythonObject?
    let exceptionSerializer: PythonObject?
    let reprFunction: PythonObject?
    let defaultNamespace: PythonObject?
    let timeout: Double?
    let watchdog: Watchdog
    /// Breakpoint conditions, compiled.
    private let conditions = CompiledConditions()

    init(
        evalFunction: PythonObject?, exceptionSerializer: PythonObject?, reprFunction: PythonObject?,
        defaultNamespace: PythonObject?, timeout: Double?, watchdog: Watchdog
    ) {
        self.evalFunction = evalFunction
        self.exceptionSerializer = exceptionSerializer
        self.reprFunction = reprFunction
        self.defaultNamespace = defaultNamespace
        self.timeout = timeout
        self.watchdog = watchdog
    }

    static let sourceName = "<stdin>"

    /// Where code runs: a frame's globals and locals, or a namespace of its
    /// own, one dict for both (pdb's `interact`, made from a frame's).
    enum Scope {
        case frame(PythonFrame)
        case namespace(PythonObject)

        var globals: PythonObject {
            switch self {
            case .frame(let frame): frame.globals
            case .namespace(let namespace): namespace
            }
        }
    }

    // MARK: What the session asks for

    /// The value of `expression` (a watch entry), through `repr_fn` when
    /// the config has one.
    func value(
        of expression: String, in frame: PythonFrame, applyingReprFunction: Bool = true
    ) -> Result<PythonObject, EvaluationFailure> {
        guarded(expression, in: .frame(frame)) { () throws(PythonError) in
            let value = try run(PythonObject(expression), in: .frame(frame), mode: "eval")
            guard applyingReprFunction, let reprFunction else { return value }
            return try reprFunction.call(value)
        }
    }

    /// Whether a breakpoint condition holds in `frame`.
    /// A breakpoint's condition runs at every hit: it is compiled once, runs
    /// as a function of the frame's variables where it can (see
    /// `CompiledCondition`), and the frame's locals are written back only
    /// if it can assign (`:=`).
    func condition(_ condition: String, in frame: PythonFrame) -> ConditionOutcome {
        let outcome = guarded(condition, in: .frame(frame)) { () throws(PythonError) in
            guard evalFunction == nil else { return try run(PythonObject(condition), in: .frame(frame), mode: "eval").isTrue }
            let compiled = try conditions.compiled(condition)
            if let holds = try compiled.callFunction(in: frame) {
                return holds
            }
            return try evaluate(compiled.code, in: .frame(frame), writingBack: compiled.assigns).isTrue
        }
        switch outcome {
        case .success(let holds): return holds ? .satisfied : .unsatisfied
        case .failure(let failure): return .failed(exception: failure.exception, output: failure.output)
        }
    }

    /// The `eval` (or, `prettyPrinting`, `pprint`) command, and a line of
    /// `interact`: runs `source` in `single` mode with its output captured;
    /// the result is the `print` event's payload. `source` is passed on as
    /// sent, so a non-string fails as compile() says.
    func execute(_ source: JSONValue, in scope: Scope, prettyPrinting: Bool) -> PrintOutput {
        let code = JSONConversion.object(from: source)
        let text = source.stringValue ?? source.serialized()
        let (result, captured) = capturingOutput {
            guarded(text, in: scope) { () throws(PythonError) in
                if !prettyPrinting && reprFunction == nil {
                    _ = try run(code, in: scope, mode: "single")
                    return
                }
                guard let value = try runReturningLastValue(code, in: scope) else { return }
                let shown = try prettyPrinting
                    ? PythonObject.importModule("pprint").callMethod("pformat", value)
                    : reprFunction!.call(value)
                _ = try PythonObject.builtin("print").call(shown)
            }
        }
        switch result {
        case .success:
            return .evaluation(
                input: source, exception: nil, output: JSONConversion.limited(captured.droppingOneTrailingNewline))
        case .failure(let failure):
            return .evaluation(input: source, exception: failure.exception, output: failure.output)
        }
    }

    /// "Type: message", through the config's serializer when it has one.
    /// What compile() says of `source` as an expression, the way pdb
    /// quotes it (`SyntaxError: invalid syntax`), or nil when it compiles.
    static func compileError(_ source: String) -> String? {
        defer { PyErr_Clear() }
        do throws(PythonError) {
            _ = try PythonObject.builtin("compile").call(
                PythonObject(source), PythonObject(sourceName), PythonObject("eval"))
            return nil
        } catch {
            let lines = try? PythonObject.importModule("traceback")
                .callMethod("format_exception_only", error.type, error.value).sequenceItems
            return lines?.last?.stringValue?.trimmingWhitespace() ?? error.summary
        }
    }

    func failure(from error: PythonError) -> EvaluationFailure {
        var output = error.summary
        if let exceptionSerializer,
           let serialized = try? exceptionSerializer.call(error.value).text {
            output = serialized
        }
        PyErr_Clear()
        return EvaluationFailure(exception: error.typeName, output: output)
    }

    // MARK: Running code

    /// Drops the compiled conditions, with the GIL held: the session that
    /// owns this evaluator may be released later by a thread without it,
    /// even after the interpreter is gone.
    func releaseConditions() {
        conditions.removeAll()
    }

    /// `eval_fn(source, frame, mode)`, by default compile() and exec/eval
    /// in the frame's globals and locals, with assignments to the frame's
    /// locals written back; in a namespace of its own, compile() and
    /// exec/eval there.
    private func run(_ source: PythonObject, in scope: Scope, mode: String) throws(PythonError) -> PythonObject {
        if let evalFunction, case .frame(let frame) = scope {
            let frameObject = PythonObject(borrowing: frame.object)
            defer { frame.storeLocals() }
            return try evalFunction.call(source, frameObject, PythonObject(mode))
        }
        let code = try PythonObject.builtin("compile").call(source, PythonObject(Self.sourceName), PythonObject(mode))
        return try evaluate(code, in: scope)
    }

    private func evaluate(
        _ code: PythonObject, in scope: Scope, writingBack: Bool = true
    ) throws(PythonError) -> PythonObject {
        guard case .frame(let frame) = scope else {
            let namespace = scope.globals
            return try .result(PyEval_EvalCode(code.pointer, namespace.pointer, namespace.pointer))
        }
        let globals = frame.globals
        let locals = try frame.locals()
        defer {
            withExtendedLifetime((globals, locals)) {}
            if writingBack {
                frame.storeLocals()
            }
        }
        return try .result(PyEval_EvalCode(code.pointer, globals.pointer, locals.pointer))
    }

    /// Runs `source` and returns the value of its last statement when that
    /// is an expression (the original's `progn`), nil when it ends in a
    /// statement. Both parts go through `eval_fn` as ASTs, as in the
    /// original.
    private func runReturningLastValue(_ source: PythonObject, in scope: Scope) throws(PythonError) -> PythonObject? {
        let ast = try PythonObject.importModule("ast")
        let tree = try ast.callMethod("parse", source, PythonObject(Self.sourceName), PythonObject("exec"))
        let body = try tree.attribute("body")
        guard let last = body.sequenceItems.last, try last.isInstance(of: ast.attribute("Expr")) else {
            _ = try run(tree, in: scope, mode: "exec")
            return nil
        }
        _ = try body.callMethod("pop")
        _ = try run(tree, in: scope, mode: "exec")
        return try run(ast.attribute("Expression").call(last.attribute("value")), in: scope, mode: "eval")
    }

    /// Runs `body` with the default namespace injected into the scope's
    /// globals (names not already bound there, removed afterwards) and
    /// under the time limit; exceptions become failures.
    private func guarded<T>(
        _ source: String, in scope: Scope, _ body: () throws(PythonError) -> T
    ) -> Result<T, EvaluationFailure> {
        // Looked up only to inject into: a condition runs at every hit.
        let globals = defaultNamespace == nil ? nil : scope.globals
        let injected = globals.map(inject(into:)) ?? []
        defer {
            for name in injected {
                globals?.deleteItem(name)
            }
        }
        let timeoutClass = timeout == nil ? nil : try? QdbErrors.class("QdbExecutionTimeout")
        let (result, timedOut) = watchdog.run(seconds: timeout, raising: timeoutClass) {
            Result { () throws(PythonError) in try body() }
        }
        switch result {
        case .success(let value):
            return .success(value)
        case .failure(let error) where timedOut && timeoutClass.map { error.matches($0.pointer) } == true:
            let timeoutError = QdbErrors.make("QdbExecutionTimeout", PythonObject(source), PythonObject(owning: PyFloat_FromDouble(timeout ?? 0)))
            return .failure(failure(from: timeoutError))
        case .failure(let error):
            return .failure(failure(from: error))
        }
    }

    private func inject(into globals: PythonObject) -> [String] {
        guard let defaultNamespace else { return [] }
        var injected: [String] = []
        for (key, value) in defaultNamespace.dictionaryItems {
            guard let name = key.stringValue, globals.item(name) == nil else { continue }
            try? globals.setItem(name, value)
            injected.append(name)
        }
        return injected
    }

    /// Runs `body` with sys.stdout and sys.stderr captured; returns what
    /// was written to them.
    private func capturingOutput<T>(_ body: () -> T) -> (T, String) {
        guard let buffer = try? PythonObject.importModule("io").callMethod("StringIO") else {
            PyErr_Clear()
            return (body(), "")
        }
        let names = ["stdout", "stderr"]
        let saved = names.map { name in (name, PySys_GetObject(name).map(PythonObject.init(borrowing:))) }
        for (name, _) in saved {
            buffer.installAsSystemStream(name)
        }
        let result = body()
        for (name, original) in saved {
            if let original {
                original.installAsSystemStream(name)
            }
        }
        let text = (try? buffer.callMethod("getvalue").stringValue) ?? nil
        PyErr_Clear()
        return (result, text ?? "")
    }
}

extension String {
    /// Captured eval output loses the newline `print` ended it with.
    var droppingOneTrailingNewline: String {
        hasSuffix("\n") ? String(dropLast()) : self
    }
}
