import CPython

/// Taking and giving up the GIL. The GIL is the lock for all tracer state:
/// the debugger, the watchlist and the session are only touched with it
/// held.
enum PythonGIL {
    /// Runs `body` holding the GIL, from a thread of ours (the server
    /// reader, the timeout watchdog). Nil once the interpreter is shutting
    /// down: a thread that asks for the GIL then is killed by CPython.
    static func withLock<T>(_ body: () -> T) -> T? {
        guard qdb_is_finalizing() == 0 else { return nil }
        let state = PyGILState_Ensure()
        defer { PyGILState_Release(state) }
        return body()
    }

    /// Runs `body` with the GIL released, so that other Python threads run
    /// while this one blocks (waiting for a command, writing a socket).
    static func withoutLock<T>(_ body: () -> T) -> T {
        let saved = PyEval_SaveThread()
        defer { PyEval_RestoreThread(saved) }
        return body()
    }
}
