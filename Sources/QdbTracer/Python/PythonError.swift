import CPython

/// A Python exception caught on the Swift side: taken out of the
/// interpreter's error indicator (so the interpreter is clean again) and kept
/// until it is reported or raised again.
public struct PythonError: Error {
    public let type: PythonObject
    public let value: PythonObject
    public let traceback: PythonObject?

    /// Takes the pending exception out of the interpreter. Calling this
    /// without one pending is a programming error, reported as a RuntimeError
    /// rather than a crash.
    public static func fetch() -> PythonError {
        var type: PyPointer?
        var value: PyPointer?
        var traceback: PyPointer?
        PyErr_Fetch(&type, &value, &traceback)
        PyErr_NormalizeException(&type, &value, &traceback)
        guard let type else {
            return PythonError(raising: qdb_exc_runtime_error(), "error indicator not set")
        }
        if let traceback, let value {
            PyException_SetTraceback(value, traceback)
        }
        return PythonError(
            type: PythonObject(owning: type),
            value: value.map(PythonObject.init(owning:)) ?? .none,
            traceback: traceback.map(PythonObject.init(owning:)))
    }

    public init(type: PythonObject, value: PythonObject, traceback: PythonObject?) {
        self.type = type
        self.value = value
        self.traceback = traceback
    }

    /// An exception of class `type` with `message`, not yet raised.
    public init(raising type: PyPointer, _ message: String) {
        let typeObject = PythonObject(borrowing: type)
        let value = (try? typeObject.call(PythonObject(message))) ?? .none
        PyErr_Clear()
        self.init(type: typeObject, value: value, traceback: nil)
    }

    /// Puts the exception back so that the C function returning to Python
    /// raises it.
    public func restore() {
        PyErr_Restore(type.newReference(), value.newReference(), traceback?.newReference())
    }

    /// The exception class name: `ValueError`, `QdbExecutionTimeout`.
    public var typeName: String {
        (try? type.attribute("__name__").stringValue) ?? value.typeName
    }

    /// `str(exception)`.
    public var message: String { value.text }

    /// `"<TypeName>: <str(exc)>"`, the default exception serializer.
    public var summary: String { "\(typeName): \(message)" }

    /// True when the exception is an instance of `type`.
    public func matches(_ type: PyPointer) -> Bool {
        PyErr_GivenExceptionMatches(self.type.pointer, type) != 0
    }
}

extension PythonError: CustomStringConvertible {
    public var description: String { summary }
}
