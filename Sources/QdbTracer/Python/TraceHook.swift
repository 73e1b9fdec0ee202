import CPython

/// Installing and removing the trace function on the debugged thread. Only
/// that thread stops (as with pdb). On 3.12+ the function is installed on
/// every thread (see `qdb_set_trace`) and the session ignores the others.
enum TraceHook {
    /// The C-level trace function (`PyEval_SetTrace`), in Swift: every
    /// trace event of the debugged thread goes to the active session.
    static let function: Py_tracefunc = { _, frame, event, argument in
        guard let frame, let session = TracerSession.active else { return 0 }
        return session.trace(frame, event: event, argument: argument)
    }

    /// Installs the hook on `thread` (the GIL held, from any thread: the
    /// running thread sees it at its next instruction).
    static func install(on thread: UnsafeMutablePointer<PyThreadState>) -> Bool {
        if qdb_set_trace(thread, function) != 0 {
            PyErr_Clear()
            return false
        }
        return true
    }

    static func remove(from thread: UnsafeMutablePointer<PyThreadState>) {
        if qdb_set_trace(thread, nil) != 0 {
            PyErr_Clear()
        }
    }

    /// What `f_trace` holds for frames the debugger traces (bdb's
    /// `frame.f_trace = self.trace_dispatch`). A callable that does nothing,
    /// so that a Python-level `sys.settrace` installed later finds something
    /// sensible there.
    static let frameMarker = PythonObject.function(named: "qdb_traced_frame") { _, _, _ in qdb_new_none() }
}
