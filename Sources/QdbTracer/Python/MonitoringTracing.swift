#if PYTHON_MONITORING
import CPython

/// Breakpoints at full speed on 3.12+, with PEP 669's sys.monitoring under
/// the DEBUGGER_ID tool id. Events are per interpreter, so this covers
/// every thread, threads started later included.
///
/// With breakpoints, each code object's first start (PY_START), or first
/// resumption at each point (PY_RESUME: a generator or coroutine that
/// started before the breakpoint was set), asks the session whether the
/// code holds a breakpoint; if it does, that code gets LINE events. A LINE
/// callback at a line that cannot stop returns DISABLE, and CPython never
/// calls it again for that line: so each line costs once, and then only
/// breakpoint lines call back, even in the function that is running hot.
/// PY_START disables itself the same way. `restart_events()`, whenever
/// the plan changes, makes every code answer afresh. With catches, RAISE
/// events (which cannot be disabled) report exceptions raised in user code.
///
/// Stepping threads use the C trace function, like 3.11; a thread that has
/// it gets its lines and exceptions from there, not from here. State is a
/// few globals, guarded by the GIL like the rest of the tracer.
enum MonitoringTracing: TracingBackend {
    nonisolated(unsafe) private static var query: BreakpointQuery?
    /// Code given LINE events, kept alive so they can be taken back.
    nonisolated(unsafe) private static var watchedCode: [PythonObject] = []
    /// Nil when another debugger holds the tool id: then breakpoints are
    /// found by tracing everything (slower, same stops).
    private static let monitoring = Monitoring()

    static func apply(_ plan: TracingPlan) {
        unwatchAll()
        guard let query = plan.query else {
            self.query = nil
            TraceHook.trace(plan.stepping)
            return
        }
        guard let monitoring else {
            self.query = nil
            TraceHook.trace(PythonThreads.all)
            return
        }
        self.query = query
        TraceHook.trace(plan.stepping)
        for thread in PythonThreads.running {
            query.runningCode(thread).forEach(watchLines)
        }
        monitoring.watch(starts: true, raises: query.hasCatches)
        monitoring.restartEvents()
    }

    private static func watchLines(_ code: CodePointer) {
        let object = PythonObject(borrowing: UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self))
        // A generator's code resumes at several points.
        guard !watchedCode.contains(where: { $0.pointer == object.pointer }) else { return }
        if monitoring?.setLineEvents(true, in: object) == true {
            watchedCode.append(object)
        }
    }

    private static func unwatchAll() {
        monitoring?.watch(starts: false, raises: false)
        for code in watchedCode {
            _ = monitoring?.setLineEvents(false, in: code)
        }
        watchedCode = []
    }

    /// Whether the running thread gets its events from the C trace
    /// function (it steps): then it must not get them twice.
    private static var threadIsTraced: Bool {
        PyThreadState_Get().map(TraceHook.isTraced) ?? false
    }

    private static func code(_ argument: PyPointer) -> CodePointer {
        UnsafeMutableRawPointer(argument).assumingMemoryBound(to: PyCodeObject.self)
    }

    // MARK: Callbacks (GIL held; CPython delivers no events inside them)

    /// PY_START or PY_RESUME(code, offset): code starts, or resumes at
    /// `offset`, for the first time since events were restarted.
    fileprivate static let started: PythonFastFunction = { _, arguments, count in
        guard let monitoring else { return qdb_new_none() }
        if let query, count >= 1, let object = arguments?[0], query.holdsBreakpoint(code(object)) {
            watchLines(code(object))
        }
        PyErr_Clear()
        return monitoring.disable.newReference()
    }

    /// LINE(code, line): a line of code that holds a breakpoint.
    fileprivate static let line: PythonFastFunction = { _, arguments, count in
        guard let monitoring, let query, count >= 2, let object = arguments?[0], let number = arguments?[1]
        else { return qdb_new_none() }
        guard query.mayStop(code(object), PyLong_AsLong(number)) else {
            PyErr_Clear()
            return monitoring.disable.newReference()
        }
        guard !threadIsTraced, let frame = PyEval_GetFrame() else { return qdb_new_none() }
        // The same entry as a trace event: the session decides and stops.
        return TraceHook.function(nil, frame, PyTrace_LINE, nil) == 0 ? qdb_new_none() : nil
    }

    /// RAISE(code, offset, exception): an exception is raised in, or comes
    /// out of a call into, `code`.
    fileprivate static let raised: PythonFastFunction = { _, arguments, count in
        guard let query, count >= 3, let object = arguments?[0], let exception = arguments?[2],
              query.catchesExceptions(code(object)), !threadIsTraced, let frame = PyEval_GetFrame()
        else { return qdb_new_none() }
        // A trace event's argument: (type, value, traceback).
        let value = PythonObject(borrowing: exception)
        guard let traceback = try? value.attribute("__traceback__"),
              let argument = try? PythonObject.tuple([PythonObject(owning: PyObject_Type(exception)), value, traceback])
        else {
            PyErr_Clear()
            return qdb_new_none()
        }
        return TraceHook.function(nil, frame, PyTrace_EXCEPTION, argument.pointer) == 0 ? qdb_new_none() : nil
    }
}

/// sys.monitoring's functions, looked up once, and qdb's tool id.
private struct Monitoring {
    let tool: PythonObject
    let disable: PythonObject
    private let setEventsFunction: PythonObject
    private let setLocalEventsFunction: PythonObject
    private let restartEventsFunction: PythonObject
    private let lineEvent: PythonObject
    /// PY_START | PY_RESUME.
    private let startEvents: PythonObject
    private let raiseEvent: PythonObject
    /// PY_START | PY_RESUME | RAISE.
    private let startAndRaiseEvents: PythonObject
    private let noEvents = PythonObject(0)

    init?() {
        do throws(PythonError) {
            let monitoring = try PythonObject.importModule("sys").attribute("monitoring")
            let events = try monitoring.attribute("events")
            tool = try monitoring.attribute("DEBUGGER_ID")
            disable = try monitoring.attribute("DISABLE")
            setEventsFunction = try monitoring.attribute("set_events")
            setLocalEventsFunction = try monitoring.attribute("set_local_events")
            restartEventsFunction = try monitoring.attribute("restart_events")
            lineEvent = try events.attribute("LINE")
            raiseEvent = try events.attribute("RAISE")
            let start = try events.attribute("PY_START"), resume = try events.attribute("PY_RESUME")
            startEvents = try Self.union(start, resume)
            startAndRaiseEvents = try Self.union(startEvents, raiseEvent)
            // Another debugger (debugpy, pdb 3.14) may hold the id.
            guard try monitoring.callMethod("get_tool", tool).isNone else { return nil }
            _ = try monitoring.callMethod("use_tool_id", tool, PythonObject("qdb"))
            _ = try monitoring.callMethod(
                "register_callback", tool, lineEvent,
                PythonObject.function(named: "qdb_line", MonitoringTracing.line))
            let started = PythonObject.function(named: "qdb_start", MonitoringTracing.started)
            _ = try monitoring.callMethod("register_callback", tool, start, started)
            _ = try monitoring.callMethod("register_callback", tool, resume, started)
            _ = try monitoring.callMethod(
                "register_callback", tool, raiseEvent,
                PythonObject.function(named: "qdb_raise", MonitoringTracing.raised))
        } catch {
            PyErr_Clear()
            return nil
        }
    }

    /// `first | second`, for event sets.
    private static func union(_ first: PythonObject, _ second: PythonObject) throws(PythonError) -> PythonObject {
        try withExtendedLifetime((first, second)) { () throws(PythonError) in
            try .result(PyNumber_Or(first.pointer, second.pointer))
        }
    }

    /// The global events: code starting (to find breakpoints), exceptions
    /// raised (for catches).
    func watch(starts: Bool, raises: Bool) {
        let events: PythonObject
        switch (starts, raises) {
        case (false, false): events = noEvents
        case (true, false): events = startEvents
        case (false, true): events = raiseEvent
        case (true, true): events = startAndRaiseEvents
        }
        _ = try? setEventsFunction.call(tool, events)
        PyErr_Clear()
    }

    /// False if the code object refused (it is not Python code).
    func setLineEvents(_ on: Bool, in code: PythonObject) -> Bool {
        defer { PyErr_Clear() }
        return (try? setLocalEventsFunction.call(tool, code, on ? lineEvent : noEvents)) != nil
    }

    func restartEvents() {
        _ = try? restartEventsFunction.call()
        PyErr_Clear()
    }
}
#endif
