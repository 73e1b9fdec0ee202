import CPython

/// The `_qdb` module: what the `qdb` package (python/qdb) calls. A
/// built-in module of qdb-python, and an extension module (`_qdb.so`) for
/// a user's own python3.
enum QdbModule {
    typealias Arguments = UnsafePointer<PyPointer?>?

    private struct Function {
        let name: String
        let doc: String
        let body: PythonFastFunction
    }

    private static let functions: [Function] = [
        Function(name: "start", doc: "start(options: dict): connect and begin a session (see qdb.config)", body: { _, args, count in
            call(args, count, arity: 1) { arguments throws(PythonError) in
                _ = try TracerSession.start(SessionOptions(arguments[0]))
                return .none
            }
        }),
        Function(name: "set_trace", doc: "set_trace(frame, stop): debug this thread from frame out; stop: True, False or 'next' (at frame's next line)", body: { _, args, count in
            call(args, count, arity: 2) { arguments throws(PythonError) in
                let frame = arguments[0].isNone
                    ? nil : arguments[0].framePointer
                let stop = arguments[1]
                let firstStop: FirstStop =
                    if stop.stringValue == "next" { .nextLineOfFrame } else if try stop.isTrue { .nextEvent } else { .none }
                try activeSession().trace(from: frame, firstStop: firstStop)
                return .none
            }
        }),
        Function(name: "disable", doc: "disable(mode): end the session, 'soft' or 'hard'", body: { _, args, count in
            call(args, count, arity: 1) { arguments throws(PythonError) in
                guard let mode = arguments[0].stringValue.flatMap(TracerSession.DisableMode.init(rawValue:)) else {
                    throw PythonError(raising: qdb_exc_value_error(), "mode must be 'hard' or 'soft'")
                }
                guard let session = TracerSession.active else { return .none }
                session.disable(.soft)
                if mode == .hard {
                    throw QdbErrors.make("QdbQuit")
                }
                return .none
            }
        }),
        Function(name: "post_mortem", doc: "post_mortem(exception): stop where an uncaught exception was raised", body: { _, args, count in
            call(args, count, arity: 1) { arguments throws(PythonError) in
                try TracerSession.active?.postMortem(arguments[0])
                return .none
            }
        }),
        Function(name: "pause", doc: "pause(): stop the program at its next line", body: { _, args, count in
            call(args, count, arity: 0) { _ throws(PythonError) in
                TracerSession.active?.pause()
                return .none
            }
        }),
        Function(name: "write_output", doc: "write_output(stream, text): forward one write", body: { _, args, count in
            call(args, count, arity: 2) { arguments throws(PythonError) in
                if let session = TracerSession.active, let stream = arguments[0].stringValue,
                   let text = arguments[1].stringValue {
                    session.forwardOutput(stream: stream, text: text)
                }
                return .none
            }
        }),
        Function(name: "shutdown", doc: "shutdown(): tell the server the program ends (atexit)", body: { _, args, count in
            call(args, count, arity: 0) { _ throws(PythonError) in
                TracerSession.active?.disable(.soft, waitingForReader: true)
                return .none
            }
        }),
        Function(name: "forget", doc: "forget(): drop the session in a forked child, leaving the parent's link alone", body: { _, args, count in
            call(args, count, arity: 0) { _ throws(PythonError) in
                TracerSession.active?.forgetAfterFork()
                return .none
            }
        }),
        Function(name: "is_active", doc: "is_active() -> bool", body: { _, args, count in
            call(args, count, arity: 0) { _ throws(PythonError) in
                PythonObject(TracerSession.active != nil)
            }
        }),
    ]

    private static func activeSession() throws(PythonError) -> TracerSession {
        guard let session = TracerSession.active else {
            throw PythonError(raising: qdb_exc_runtime_error(), "no qdb session: call _qdb.start first")
        }
        return session
    }

    /// Checks the argument count, runs `body`, and turns a thrown Python
    /// error into the raised exception.
    private static func call(
        _ arguments: Arguments, _ count: Py_ssize_t, arity: Int,
        _ body: ([PythonObject]) throws(PythonError) -> PythonObject
    ) -> PyPointer? {
        guard count == arity else {
            PythonError(raising: qdb_exc_type_error(), "expected \(arity) arguments, got \(count)").restore()
            return nil
        }
        let values = (0..<arity).map { PythonObject(borrowing: arguments![$0]!) }
        do {
            return try body(values).newReference()
        } catch {
            error.restore()
            return nil
        }
    }

    /// The module definition and method table live for the whole process.
    nonisolated(unsafe) private static let definition: UnsafeMutablePointer<PyModuleDef> = {
        let methods = UnsafeMutablePointer<PyMethodDef>.allocate(capacity: functions.count + 1)
        for (index, function) in functions.enumerated() {
            methods[index] = PyMethodDef(fastCall: function.name, doc: function.doc, body: function.body)
        }
        methods[functions.count] = PyMethodDef(ml_name: nil, ml_meth: nil, ml_flags: 0, ml_doc: nil)
        let definition = UnsafeMutablePointer<PyModuleDef>.allocate(capacity: 1)
        qdb_module_def_init(definition, "_qdb", "qdb's tracer, written in Swift.", methods)
        return definition
    }()

    static func create() -> PyPointer? {
        qdb_module_create(definition)
    }
}

/// The extension module's entry point, for `import _qdb` in a user's
/// python3.
@_cdecl("PyInit__qdb")
public func initializeQdbModule() -> UnsafeMutablePointer<PyObject>? {
    QdbModule.create()
}
