import CPython

/// Taking and giving up the GIL. The GIL is the lock for all tracer state:
/// the debugger, the watchlist and the session are only touched with it
/// held.
enum PythonGIL {
    /// Runs `body` holding the GIL, from a thread of ours (the server
    /// reader, the timeout watchdog, the terminal's prompt). Nil once the
    /// interpreter is shutting down: a thread that asks for the GIL then is
    /// killed by CPython. Nothing `body` runs is traced or monitored: the
    /// debugger never stops its own threads.
    static func withLock<T>(_ body: () -> T) -> T? {
        guard qdb_is_finalizing() == 0 else { return nil }
        let state = PyGILState_Ensure()
        let thread = PyThreadState_Get()
        PyThreadState_EnterTracing(thread)
        defer {
            PyThreadState_LeaveTracing(thread)
            PyGILState_Release(state)
        }
        return body()
    }

    /// Runs `body`, the whole life of a thread of ours that takes the GIL,
    /// with one Python thread state kept throughout, so that each
    /// `withLock` only takes the GIL. Otherwise each made a thread state and
    /// deleted it; CPython links a new one into the interpreter's list
    /// without the GIL, and a thread walking that list with the GIL (the
    /// session does, when breakpoints change) could meet it half made and
    /// crash (seen: PyThreadState_GetFrame on a NULL cframe, on 3.11).
    static func keepingThreadState(_ body: () -> Void) {
        guard qdb_is_finalizing() == 0 else { return body() }
        let state = PyGILState_Ensure()
        let saved = PyEval_SaveThread()
        body()
        // Past finalization CPython kills a thread that takes the GIL; the
        // interpreter's end frees the thread state.
        guard qdb_is_finalizing() == 0 else { return }
        PyEval_RestoreThread(saved)
        PyGILState_Release(state)
    }

    /// Runs `body` with the GIL released, so that other Python threads run
    /// while this one blocks (waiting for a command, writing a socket).
    static func withoutLock<T>(_ body: () -> T) -> T {
        let saved = PyEval_SaveThread()
        defer { PyEval_RestoreThread(saved) }
        return body()
    }
}
