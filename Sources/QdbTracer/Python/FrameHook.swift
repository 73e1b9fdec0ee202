#if !PYTHON_MONITORING
import CPython

/// Breakpoints at full speed on 3.11: a PEP 523 frame-evaluation hook that
/// sees every Python frame of every thread start, and turns tracing on only
/// for frames whose code holds a breakpoint (or, with catches, for user
/// code). Everything else runs untraced, on CPython's specialised fast path.
/// A frame stepped on its own (`next`, `until`, `return`) stays traced,
/// and the frames it calls run untraced like any other.
///
/// Installed only while breakpoints or catches exist, or frames are
/// stepped on their own: any installed hook stops 3.11 from inlining
/// Python-to-Python calls. Its state is a handful of globals read on every
/// call, guarded by the GIL like the rest of the tracer.
enum FrameHook: TracingBackend {
    /// Threads traced in full (stepping); the hook keeps them traced.
    nonisolated(unsafe) private static var stepping: [ThreadPointer] = []
    nonisolated(unsafe) private static var query: BreakpointQuery?
    /// Whether the hook decides anything: breakpoints or catches exist, or
    /// frames are stepped alone.
    nonisolated(unsafe) private static var isActive = false
    /// Too deep for the hook once: every thread is traced the slow way
    /// until the plan changes.
    nonisolated(unsafe) private static var tracesEverything = false
    /// Bumped whenever the answer to "does this code need tracing" may have
    /// changed (breakpoints, the plan); per-code answers carry the value
    /// they were computed under.
    nonisolated(unsafe) private static var generation = 1
    /// Frames running before the hook took over (in eval loops whose C
    /// frame is at or above the thread's boundary) cannot be switched one
    /// by one: frames sharing an eval loop share its tracing flag. A thread
    /// is listed when any of them holds a breakpoint or is stepped, and
    /// they are traced together.
    nonisolated(unsafe) private static var preexistingBoundaries: [ThreadPointer: UInt] = [:]
    /// Eval loops inside the hook, all threads together: a conservative
    /// stand-in for each thread's own depth.
    nonisolated(unsafe) private static var depth = 0

    /// Every eval loop costs C stack while the hook is installed (no
    /// inlining); past this depth the hook steps aside and threads are
    /// traced the slow way instead, rather than overflow the stack.
    static let maximumDepth = 4000

    /// Per-code answers, stored in a co_extra slot as
    /// `generation << 1 | needsTracing` (no allocation, nothing to free).
    private static let extraIndex = qdb_code_request_extra_index(nil)

    // MARK: Control (GIL held)

    /// Stepping threads are traced in full. A thread stepping frames alone,
    /// and (with a query) every other thread whose running frames may stop,
    /// has its running frames traced, the stepped ones among them, and the
    /// hook decides for each frame they start.
    static func apply(_ plan: TracingPlan) {
        generation += 1
        stepping = plan.stepping
        query = plan.query
        isActive = plan.query != nil || !plan.steppedFrames.isEmpty
        tracesEverything = false
        preexistingBoundaries = [:]
        var traced = plan.stepping
        func traceRunningFrames(of thread: ThreadPointer) {
            preexistingBoundaries[thread] = UInt(bitPattern: qdb_thread_cframe(thread))
            traced.append(thread)
        }
        plan.steppedFrames.forEach { traceRunningFrames(of: $0.thread) }
        if let query = plan.query {
            for thread in PythonThreads.running where !traced.contains(thread) && !query.runningCode(thread).isEmpty {
                traceRunningFrames(of: thread)
            }
        }
        trace(traced)
        install(isActive && depth < maximumDepth)
    }

    /// The trace function on `threads`, in every running eval loop, and on
    /// no other thread of ours.
    private static func trace(_ threads: [ThreadPointer]) {
        let previously = PythonThreads.all.filter(TraceHook.isTraced)
        TraceHook.trace(threads)
        for thread in Set(previously + threads) {
            qdb_thread_set_tracing_in_all_cframes(thread, threads.contains(thread) ? 1 : 0)
        }
    }

    /// Setting the default evaluator removes the hook (and lets 3.11
    /// inline calls again).
    private static func install(_ on: Bool) {
        _PyInterpreterState_SetEvalFrameFunc(PyInterpreterState_Get(), on ? evaluate : _PyEval_EvalFrameDefault)
    }

    // MARK: The hook

    private static let evaluate: _PyFrameEvalFunction = { thread, frame, throwFlag in
        guard let thread, let frame, isActive, qdb_thread_is_in_trace_callback(thread) == 0 else {
            return _PyEval_EvalFrameDefault(thread, frame, throwFlag)
        }
        // The caller's tracing, to put back when this frame returns (its
        // exit copies this frame's flag into the caller's eval loop).
        let callerFunction = qdb_thread_trace_function(thread)
        // Another tool's tracer (coverage, say) keeps its thread.
        guard callerFunction == nil || TraceHook.isTraced(thread) else {
            return _PyEval_EvalFrameDefault(thread, frame, throwFlag)
        }
        if depth >= maximumDepth {
            traceEverything()
            return _PyEval_EvalFrameDefault(thread, frame, throwFlag)
        }
        let callerGeneration = generation
        let needs = stepping.contains(thread) || needsTracing(qdb_interpreter_frame_code(frame), on: thread)
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

    /// The plan changed while the callee ran: work out afresh whether the
    /// caller needs tracing.
    private static func retraceCaller(_ thread: ThreadPointer) {
        var needs = tracesEverything || stepping.contains(thread)
        if !needs, isActive {
            let isPreexisting = preexistingBoundaries[thread].map { UInt(bitPattern: qdb_thread_cframe(thread)) >= $0 }
            needs = isPreexisting == true || qdb_thread_current_code(thread).map { needsTracing($0, on: thread) } == true
        }
        qdb_thread_set_trace_function(thread, needs ? TraceHook.function : nil)
    }

    /// Too deep for the hook's C stack: from here on every thread is traced
    /// without the hook (slower, same stops).
    private static func traceEverything() {
        install(false)
        generation += 1
        tracesEverything = true
        trace(PythonThreads.all)
    }

    /// Whether frames of `code` need tracing: the cached answer, or the
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
        let needs = query.map { $0.holdsBreakpoint(code) || $0.catchesExceptions(code) } ?? false
        qdb_thread_resume_tracing(thread, tracing)
        qdb_code_set_extra(object, extraIndex, UnsafeMutableRawPointer(bitPattern: generation << 1 | (needs ? 1 : 0)))
        PyErr_Restore(type, value, traceback)
        return needs
    }
}
#endif
