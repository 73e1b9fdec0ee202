import CPython

/// The argument of a trace function's exception event:
/// `(type, value, traceback)`.
struct ExceptionEvent {
    private let argument: PyPointer

    init?(_ argument: PyPointer?) {
        guard let argument, qdb_is_tuple(argument) != 0, PyTuple_Size(argument) == 3 else { return nil }
        self.argument = argument
    }

    var kind: ExceptionKind {
        let type = PyTuple_GetItem(argument, 0)
        return ExceptionKind(
            isStopIteration: type == qdb_exc_stop_iteration(),
            isGeneratorExit: type == qdb_exc_generator_exit(),
            hasTraceback: qdb_is_none(PyTuple_GetItem(argument, 2)) == 0)
    }

    /// Whether the exception was raised in the event's frame, or came out
    /// of frames that are all `skipped` (library code) into it.
    func isRaisedHere(skipping skipped: (FramePointer) -> Bool) -> Bool {
        defer { PyErr_Clear() }
        var traceback = PythonObject(borrowing: PyTuple_GetItem(argument, 2))
        if !traceback.isNone, let next = try? traceback.attribute("tb_next") {
            traceback = next
        }
        while !traceback.isNone {
            guard let deeper = try? traceback.attribute("tb_frame"), let next = try? traceback.attribute("tb_next"),
                  skipped(deeper.framePointer)
            else { return false }
            traceback = next
        }
        return true
    }

    /// The exception's class and its bases, each by its qualified name and
    /// by that name with its module (`ValueError`, `builtins.ValueError`).
    var classNames: [[String]] {
        defer { PyErr_Clear() }
        let type = PythonObject(borrowing: PyTuple_GetItem(argument, 0))
        guard let classes = try? type.attribute("__mro__") else { return [] }
        return classes.sequenceItems.map { type in
            let qualifiedName = (try? type.attribute("__qualname__").stringValue) ?? nil
            let module = (try? type.attribute("__module__").stringValue) ?? nil
            return [qualifiedName, qualifiedName.flatMap { name in module.map { "\($0).\(name)" } }].compactMap { $0 }
        }
    }
}
