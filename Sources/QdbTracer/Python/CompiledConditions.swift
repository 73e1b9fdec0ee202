import CPython

/// Breakpoint conditions compiled once each, by their text.
final class CompiledConditions {
    /// Enough for every condition of a session; a program that sets
    /// thousands only compiles some twice.
    private static let capacity = 256
    private var conditions: [String: CompiledCondition] = [:]
    /// The one asked for last: a hot loop asks for the same one each time,
    /// and comparing its text with a breakpoint's own copy costs less than
    /// hashing it.
    private var last: CompiledCondition?

    func removeAll() {
        conditions.removeAll()
        last = nil
    }

    func compiled(_ source: String) throws(PythonError) -> CompiledCondition {
        if let last, last.source == source {
            return last
        }
        if let condition = conditions[source] {
            last = condition
            return condition
        }
        let condition = try CompiledCondition(source)
        if conditions.count >= Self.capacity {
            conditions.removeAll()
        }
        conditions[source] = condition
        last = condition
        return condition
    }
}

/// One condition: its code for `eval` in a frame's namespaces, and the
/// same expression as a function of the frame's variables it names. Calling
/// that function skips building the locals mapping and a new function
/// object at each hit, which is most of what a condition costs.
final class CompiledCondition {
    let source: String
    /// Compiled in `eval` mode, for the frame's globals and locals.
    let code: PythonObject
    /// Whether it can assign to a local (`:=`, the only assignment an
    /// expression has): then it runs against the locals mapping, which is
    /// written back.
    let assigns: Bool
    /// The names it reads, when a function of them means the same as the
    /// expression: nil when it nests code (a lambda, a generator), whose
    /// names `eval` resolves differently, or asks for the namespace itself
    /// (`locals()`, `vars()`, `dir()`, `eval`, `exec`).
    private let names: [String]?
    /// Per frame code object: the condition as a function, or nil where it
    /// must be `eval`ed. A function keeps its code alive, so that address
    /// stays that code's; a code without one may die and its address be
    /// reused, which costs the new code only the `eval` path.
    private var functions: [PyPointer: ConditionFunction?] = [:]
    /// The entry used last: a hot loop asks for the same one each time.
    private var last: (code: PyPointer, function: ConditionFunction?)?

    private static let namespaceReaders: Set<String> = ["locals", "vars", "dir", "eval", "exec"]

    init(_ source: String) throws(PythonError) {
        self.source = source
        code = try PythonObject.builtin("compile").call(
            PythonObject(source), PythonObject(Evaluator.sourceName), PythonObject("eval"))
        assigns = source.contains(":=")
        let nestsCode = try code.attribute("co_consts").sequenceItems.contains { (try? $0.attribute("co_code")) != nil }
        PyErr_Clear()
        let names = try code.attribute("co_names").sequenceItems.compactMap(\.stringValue)
        let readsNamespace = names.contains(where: Self.namespaceReaders.contains)
        self.names = !assigns && !nestsCode && !readsNamespace ? names : nil
    }

    /// Whether the condition holds in `frame`, as a function of the frame's
    /// variables; nil when it must be `eval`ed there instead: the frame is
    /// not a function's, a variable it names is unbound (or, on 3.11, a
    /// cell), or it raised NameError, for a name that is no variable of the
    /// frame may still be in its locals mapping (bound there by an earlier
    /// `eval`).
    func callFunction(in frame: PythonFrame) throws(PythonError) -> Bool? {
        guard names != nil, let entry = function(for: frame), let function = entry.function(for: frame)
        else { return nil }
        let count = entry.parameters.count
        return try withUnsafeTemporaryAllocation(of: PyPointer?.self, capacity: max(count, 1)) {
            arguments throws(PythonError) -> Bool? in
            var fetched = 0
            defer {
                for index in 0..<fetched {
                    qdb_decref(arguments[index]!)
                }
            }
            for parameter in entry.parameters {
                guard let value = qdb_frame_variable(frame.pointer, parameter.pointer) else {
                    PyErr_Clear()
                    return nil
                }
                arguments[fetched] = value
                fetched += 1
            }
            // The value is only tested: no PythonObject is made for it, at
            // each turn of a hot loop.
            guard let value = PyObject_Vectorcall(function.pointer, arguments.baseAddress, count, nil) else {
                let error = PythonError.fetch()
                if error.matches(qdb_exc_name_error()) {
                    return nil
                }
                throw error
            }
            defer { qdb_decref(value) }
            switch PyObject_IsTrue(value) {
            case 1: return true
            case 0: return false
            default: throw PythonError.fetch()
            }
        }
    }

    /// This condition as a function of the variables of `frame`'s code,
    /// made the first time that code asks.
    private func function(for frame: PythonFrame) -> ConditionFunction? {
        let code = UnsafeMutableRawPointer(PyFrame_GetCode(frame.pointer)!).assumingMemoryBound(to: PyObject.self)
        // The frame holds its code: this reference is not needed.
        qdb_decref(code)
        if let last, last.code == code {
            return last.function
        }
        let function: ConditionFunction?
        if let known = functions[code] {
            function = known
        } else {
            function = makeFunction(for: PythonObject(borrowing: code))
            functions[code] = function
        }
        last = (code, function)
        return function
    }

    /// `def qdb_condition(<the frame's variables it names>): return (<source>)`:
    /// its other names are globals or builtins, as they are to `eval` in
    /// the frame. Nil for a frame that is not a function's (a module or
    /// class body keeps its names in a mapping).
    private func makeFunction(for frameCode: PythonObject) -> ConditionFunction? {
        defer { PyErr_Clear() }
        guard let names, let flags = try? frameCode.attribute("co_flags").intValue, flags & Self.optimized != 0
        else { return nil }
        var variables: Set<String> = []
        for attribute in ["co_varnames", "co_cellvars", "co_freevars"] {
            let items = (try? frameCode.attribute(attribute).sequenceItems) ?? []
            variables.formUnion(items.compactMap(\.stringValue))
        }
        var parameters: [String] = []
        for name in names where variables.contains(name) && !parameters.contains(name) {
            parameters.append(name)
        }
        // Inside brackets the source may span lines or end in a comment.
        let definition = "def qdb_condition(\(parameters.joined(separator: ", "))):\n return (\n\(source)\n )\n"
        guard let module = try? PythonObject.builtin("compile").call(
                  PythonObject(definition), PythonObject(Evaluator.sourceName), PythonObject("exec")),
              let body = try? module.attribute("co_consts").sequenceItems.first(where: { (try? $0.attribute("co_code")) != nil })
        else { return nil }
        return ConditionFunction(frameCode: frameCode, body: body, parameters: parameters.map(PythonObject.init))
    }

    /// CPython's CO_OPTIMIZED: a function's code, whose variables live in
    /// the frame rather than in a mapping.
    private static let optimized = 0x1
}

/// A condition as a function of one code object's frame variables.
private final class ConditionFunction {
    let frameCode: PythonObject
    let body: PythonObject
    let parameters: [PythonObject]
    /// Made for the globals the frames of this code run with; made again
    /// if a frame runs with others (code `exec`ed in several namespaces).
    private var function: PythonObject?

    init(frameCode: PythonObject, body: PythonObject, parameters: [PythonObject]) {
        self.frameCode = frameCode
        self.body = body
        self.parameters = parameters
    }

    func function(for frame: PythonFrame) -> PythonObject? {
        let globals = PyFrame_GetGlobals(frame.pointer)!
        // The frame holds its globals: this reference is not needed.
        qdb_decref(globals)
        if let function, PyFunction_GetGlobals(function.pointer) == globals {
            return function
        }
        guard let made = PyFunction_New(body.pointer, globals) else {
            PyErr_Clear()
            return nil
        }
        function = PythonObject(owning: made)
        return function
    }
}
