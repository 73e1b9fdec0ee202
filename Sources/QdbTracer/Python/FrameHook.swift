#if !PYTHON_MONITORING
import CPython

/// Breakpoints at full speed on 3.11: a PEP 523 frame-evaluation hook that sees
/// every Python frame of the debugged thread start, and turns tracing on
/// only for frames whose code holds a breakpoint. Everything else runs
/// untraced, on CPython's specialised fast path.
///
/// Installed only while the program runs with breakpoints (`selective`):
/// any installed hook stops 3.11 from inlining Python-to-Python calls.
/// Its state is a handful of globals read on every call, guarded by the
/// GIL like the rest of the tracer.
enum FrameHook: TracingBackend {
    /// The debugged thread; other threads pass straight through.
    nonisolated(unsafe) private(set) static var thread: ThreadPointer?
    nonisolated(unsafe) private(set) static var mode = TracingMode.off
    /// Bumped whenever the answer to "does this code need tracing" may have
    /// changed (breakpoints, mode); per-code answers carry the value they
    /// were computed under.
    nonisolated(unsafe) private static var generation = 1
    /// Frames running before the hook took over (in eval loops whose C
    /// frame is at or above this address) cannot be switched one by one:
    /// frames sharing an eval loop share its tracing flag. They are traced
    /// together when any of them holds a breakpoint.
    nonisolated(unsafe) private static var preexistingBoundary: UInt = .max
    nonisolated(unsafe) private static var preexistingNeedTracing = false
    nonisolated(unsafe) private static var depth = 0
    /// The slow path: does this code hold a breakpoint? (The session's
    /// answer, cached per code object.)
    nonisolated(unsafe) private static var holdsBreakpoint: (CodePointer) -> Bool = { _ in false }

    /// Every eval loop costs C stack while the hook is installed (no
    /// inlining); past this depth the hook steps aside and the thread is
    /// traced the slow way instead, rather than overflow the stack.
    static let maximumDepth = 4000

    /// Per-code answers, stored in a co_extra slot as
    /// `generation << 1 | needsTracing` (no allocation, nothing to free).
    private static let extraIndex = qdb_code_request_extra_index(nil)

    // MARK: Control (GIL held)

    /// For `selective`, the query's `holdsBreakpoint` answers for code the
    /// hook has not seen, and the frames running now need line events if
    /// any of them runs code that holds a breakpoint.
    static func apply(_ mode: TracingMode, on thread: ThreadPointer, query: BreakpointQuery) {
        self.thread = thread
        self.mode = mode
        holdsBreakpoint = query.holdsBreakpoint
        let preexistingNeedTracing = !query.runningCode.isEmpty
        generation += 1
        switch mode {
        case .off:
            install(false)
            TraceHook.remove(from: thread)
        case .full:
            install(false)
            _ = TraceHook.install(on: thread)
            qdb_thread_set_tracing_in_all_cframes(thread, 1)
        case .selective:
            preexistingBoundary = UInt(bitPattern: qdb_thread_cframe(thread))
            self.preexistingNeedTracing = preexistingNeedTracing
            install(depth < maximumDepth)
            qdb_thread_set_trace_function(thread, preexistingNeedTracing ? TraceHook.function : nil)
            qdb_thread_set_tracing_in_all_cframes(thread, preexistingNeedTracing ? 1 : 0)
        }
    }

    /// Breakpoints changed: cached answers are stale.
    static func breakpointsChanged() {
        generation += 1
    }

    /// Setting the default evaluator removes the hook (and lets 3.11
    /// inline calls again).
    private static func install(_ on: Bool) {
        _PyInterpreterState_SetEvalFrameFunc(PyInterpreterState_Get(), on ? evaluate : _PyEval_EvalFrameDefault)
    }

    // MARK: The hook

    private static let evaluate: _PyFrameEvalFunction = { thread, frame, throwFlag in
        guard let thread, thread == FrameHook.thread, mode == .selective, qdb_thread_is_in_trace_callback(thread) == 0,
              let frame
        else {
            return _PyEval_EvalFrameDefault(thread, frame, throwFlag)
        }
        if depth >= maximumDepth {
            return evaluateTracingEverything(thread, frame, throwFlag)
        }
        // The caller's tracing, to put back when this frame returns (its
        // exit copies this frame's flag into the caller's eval loop).
        let callerFunction = qdb_thread_trace_function(thread)
        let callerGeneration = generation
        let needs = needsTracing(qdb_interpreter_frame_code(frame), on: thread)
        qdb_thread_set_trace_function(thread, needs ? TraceHook.function : nil)
        depth += 1
        let result = _PyEval_EvalFrameDefault(thread, frame, throwFlag)
        depth -= 1
        if generation == callerGeneration {
            qdb_thread_set_trace_function(thread, callerFunction)
        } else {
            retraceCaller(thread)
        }
        return result
    }

    /// Breakpoints or the mode changed while the callee ran: work out
    /// afresh whether the caller needs tracing.
    private static func retraceCaller(_ thread: ThreadPointer) {
        let needs: Bool
        switch mode {
        case .off:
            needs = false
        case .full:
            needs = true
        case .selective:
            let isPreexisting = UInt(bitPattern: qdb_thread_cframe(thread)) >= preexistingBoundary
            needs = (isPreexisting && preexistingNeedTracing)
                || qdb_thread_current_code(thread).map { needsTracing($0, on: thread) } ?? false
        }
        qdb_thread_set_trace_function(thread, needs ? TraceHook.function : nil)
    }

    /// Too deep for the hook's C stack: from here on the whole thread is
    /// traced without the hook (slower, same stops).
    private static func evaluateTracingEverything(
        _ thread: ThreadPointer, _ frame: UnsafeMutablePointer<_PyInterpreterFrame>,
        _ throwFlag: Int32
    ) -> PyPointer? {
        install(false)
        generation += 1
        mode = .full
        _ = TraceHook.install(on: thread)
        qdb_thread_set_tracing_in_all_cframes(thread, 1)
        return _PyEval_EvalFrameDefault(thread, frame, throwFlag)
    }

    /// Whether frames of `code` need line events: the cached answer, or the
    /// session's.
    private static func needsTracing(_ code: CodePointer, on thread: ThreadPointer) -> Bool {
        let tag = Int(bitPattern: qdb_code_extra(code, extraIndex))
        if tag >> 1 == generation {
            return tag & 1 == 1
        }
        let object = UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self)
        // The session's answer may run Python (a user skip_fn): untraced, so
        // it cannot come back here, and without disturbing an exception
        // being thrown into a generator.
        var type: PyPointer?, value: PyPointer?, traceback: PyPointer?
        PyErr_Fetch(&type, &value, &traceback)
        let tracing = qdb_thread_pause_tracing(thread)
        let needs = holdsBreakpoint(code)
        qdb_thread_resume_tracing(thread, tracing)
        qdb_code_set_extra(object, extraIndex, UnsafeMutableRawPointer(bitPattern: generation << 1 | (needs ? 1 : 0)))
        PyErr_Restore(type, value, traceback)
        return needs
    }
}
#endif
