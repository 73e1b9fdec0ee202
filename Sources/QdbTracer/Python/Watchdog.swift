import CPython

/// Enforces `execution_timeout` on user code the debugger runs (eval,
/// watch expressions, breakpoint conditions): when time is up, it raises
/// an exception asynchronously in the evaluating thread, which surfaces at
/// the next bytecode boundary. Code blocked inside a C call is only
/// interrupted when that call returns.
///
/// `@unchecked Sendable`: `armed`, `fired` and `generation` are only
/// touched under `lock`; the watchdog thread takes the GIL before the lock,
/// as every other user does, so they cannot deadlock.
final class Watchdog: @unchecked Sendable {
    /// One for the process: its thread, once started, lives as long.
    static let shared = Watchdog()

    private struct Assignment {
        let thread: UInt
        let deadline: Deadline
        /// Borrowed: the caller keeps the class alive while it runs, and the
        /// watchdog thread must not own Python references (it would release
        /// them without the GIL).
        let exception: PyPointer
        let generation: Int
    }

    private let lock = ConditionLock()
    private var armed: Assignment?
    private var fired = false
    private var generation = 0
    private var threadStarted = false

    /// Runs `body` (GIL held) with a limit of `seconds`; the flag says
    /// whether the limit struck, in which case `body` saw `exception`
    /// (a class) raised.
    func run<T>(seconds: Double?, raising exception: @autoclosure () -> PythonObject?, _ body: () -> T) -> (T, timedOut: Bool) {
        guard let seconds, let exception = exception() else { return (body(), false) }
        let thread = PyThread_get_thread_ident()
        lock.withLock {
            generation += 1
            armed = Assignment(
                thread: thread, deadline: .after(seconds: seconds), exception: exception.pointer,
                generation: generation)
            fired = false
            startThreadIfNeeded()
            lock.broadcast()
        }
        let result = withExtendedLifetime(exception) { body() }
        let timedOut = lock.withLock {
            armed = nil
            return fired
        }
        if timedOut {
            deliverPendingInterruption()
        }
        return (result, timedOut)
    }

    /// The limit may have struck just as `body` finished, leaving the
    /// exception pending for the program. Running a bytecode delivers it
    /// here, where it is dropped. (Clearing it with
    /// `PyThreadState_SetAsyncExc(id, NULL)` instead leaves 3.11's eval
    /// breaker set for good, and the interpreter then loses call events.)
    private func deliverPendingInterruption() {
        guard let thread = PyThreadState_Get(), thread.pointee.async_exc != nil else { return }
        let globals = PyDict_New()
        if let result = PyRun_String("pass", Py_file_input, globals, globals) {
            qdb_decref(result)
        }
        qdb_xdecref(globals)
        PyErr_Clear()
    }

    private func startThreadIfNeeded() {
        guard !threadStarted else { return }
        threadStarted = startThread { [self] in PythonGIL.keepingThreadState(watch) } != nil
    }

    private func watch() {
        while true {
            let due: Assignment = lock.withLock {
                while true {
                    guard let assignment = armed, !fired else {
                        lock.wait()
                        continue
                    }
                    if !lock.wait(until: assignment.deadline), armed?.generation == assignment.generation {
                        return assignment
                    }
                }
            }
            _ = PythonGIL.withLock {
                lock.withLock {
                    guard armed?.generation == due.generation else { return }
                    PyThreadState_SetAsyncExc(due.thread, due.exception)
                    fired = true
                }
            }
        }
    }
}
