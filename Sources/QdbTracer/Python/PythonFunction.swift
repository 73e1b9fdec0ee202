import CPython
import Glibc

/// A C function that Python calls with its arguments in a vector
/// (METH_FASTCALL): self, the arguments, their count.
typealias PythonFastFunction = @convention(c) (PyPointer?, UnsafePointer<PyPointer?>?, Py_ssize_t) -> PyPointer?

extension PyMethodDef {
    /// A method table entry for `body`. The strings live for the process,
    /// as CPython keeps pointers to them.
    init(fastCall name: String, doc: String?, body: PythonFastFunction) {
        self.init(
            ml_name: strdup(name), ml_meth: unsafeBitCast(body, to: PyCFunction.self), ml_flags: METH_FASTCALL,
            ml_doc: doc.map { UnsafePointer(strdup($0)) })
    }
}

extension PythonObject {
    /// A built-in function object that calls `body`; its definition lives
    /// for the process.
    static func function(named name: String, _ body: PythonFastFunction) -> PythonObject {
        let definition = UnsafeMutablePointer<PyMethodDef>.allocate(capacity: 1)
        definition.initialize(to: PyMethodDef(fastCall: name, doc: nil, body: body))
        return PythonObject(owning: PyCFunction_NewEx(definition, nil, nil))
    }
}
