import CPython

/// The C trace function, which traces stepping threads line by line.
enum TraceHook {
    /// The C-level trace function (`PyEval_SetTrace`), in Swift: every
    /// trace event goes to the active session, which runs each thread by
    /// its own rule.
    static let function: Py_tracefunc = { _, frame, event, argument in
        guard let frame, let session = TracerSession.active else { return 0 }
        return session.trace(frame, event: event, argument: argument)
    }

    /// A line event whose line number is known (sys.monitoring's LINE).
    static func line(_ frame: FramePointer, _ line: Int) -> Int32 {
        TracerSession.active?.trace(frame, event: PyTrace_LINE, argument: nil, line: line) ?? 0
    }

    /// Traces exactly `threads`, from any thread holding the GIL (a thread
    /// sees the change at its next instruction). Where the trace function
    /// can only be set for every thread at once (3.12+), every thread is
    /// traced while any is asked for. Another tool's trace function on a
    /// thread not asked for is left alone.
    static func trace(_ threads: [ThreadPointer]) {
        guard qdb_trace_is_per_thread() != 0 else {
            if !threads.isEmpty {
                set(function, on: threads[0])
            } else if PythonThreads.all.contains(where: isTraced) {
                set(nil, on: PyThreadState_Get())
            }
            return
        }
        for thread in PythonThreads.all {
            if threads.contains(thread) {
                set(function, on: thread)
            } else if isTraced(thread) {
                set(nil, on: thread)
            }
        }
    }

    static func isTraced(_ thread: ThreadPointer) -> Bool {
        qdb_thread_is_traced_by(thread, function) != 0
    }

    private static func set(_ function: Py_tracefunc?, on thread: ThreadPointer) {
        if qdb_set_trace(thread, function) != 0 {
            PyErr_Clear()
        }
    }

    /// What `f_trace` holds for frames the debugger traces (bdb's
    /// `frame.f_trace = self.trace_dispatch`). A callable that does nothing,
    /// so that a Python-level `sys.settrace` installed later finds something
    /// sensible there.
    static let frameMarker = PythonObject.function(named: "qdb_traced_frame") { _, _, _ in qdb_new_none() }
}
