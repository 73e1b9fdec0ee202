import CPython

/// The exception classes of `qdb.errors` (QdbQuit, QdbAuthenticationError,
/// QdbExecutionTimeout, ...), which the tracer raises in the program.
enum QdbErrors {
    static func `class`(_ name: String) throws(PythonError) -> PythonObject {
        try PythonObject.importModule("qdb.errors").attribute(name)
    }

    /// An instance of `qdb.errors.<name>(arguments...)`, ready to be raised;
    /// a RuntimeError with the same text if the package is missing.
    static func make(_ name: String, _ arguments: PythonObject...) -> PythonError {
        do {
            let type = try `class`(name)
            let value = try type.call(arguments: arguments)
            return PythonError(type: type, value: value, traceback: nil)
        } catch {
            PyErr_Clear()
            return PythonError(raising: qdb_exc_runtime_error(), "\(name): \(arguments.map(\.text).joined(separator: ", "))")
        }
    }
}
