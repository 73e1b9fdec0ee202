#if PYTHON_MONITORING
import CPython

/// Breakpoints at full speed on 3.12+, with PEP 669's sys.monitoring under
/// the DEBUGGER_ID tool id.
///
/// Running to a breakpoint (`selective`), each code object's first start
/// (PY_START), or first resumption at each point (PY_RESUME: a generator
/// or coroutine that started before the breakpoint was set), asks the
/// session whether the code holds a breakpoint; if it does, that code gets
/// LINE events. A LINE callback at a line that cannot stop returns
/// DISABLE, and CPython never calls it again for that line: so each line
/// costs once, and then only breakpoint lines call back, even in the
/// function that is running hot. PY_START disables itself the same
/// way. `restart_events()`, when the program resumes with new breakpoints,
/// makes every code answer afresh.
///
/// Stepping (`full`) uses the C trace function, like 3.11. State is a few
/// globals, guarded by the GIL like the rest of the tracer.
enum MonitoringTracing: TracingBackend {
    nonisolated(unsafe) private(set) static var mode = TracingMode.off
    /// The debugged thread: events are per interpreter, so other threads'
    /// lines arrive too, and are let run.
    nonisolated(unsafe) private static var thread: ThreadPointer?
    nonisolated(unsafe) private static var query = BreakpointQuery()
    /// Code given LINE events, kept alive so they can be taken back.
    nonisolated(unsafe) private static var watchedCode: [PythonObject] = []
    /// Nil when another debugger holds the tool id: then breakpoints are
    /// found by tracing everything (slower, same stops).
    private static let monitoring = Monitoring()

    static func apply(_ mode: TracingMode, on thread: ThreadPointer, query: BreakpointQuery) {
        self.thread = thread
        self.query = query
        unwatchAll()
        switch mode {
        case .selective where monitoring != nil:
            self.mode = .selective
            TraceHook.remove(from: thread)
            query.runningCode.forEach(watchLines)
            monitoring?.watchStarts(true)
            monitoring?.restartEvents()
        case .full, .selective:
            self.mode = .full
            _ = TraceHook.install(on: thread)
        case .off:
            self.mode = .off
            TraceHook.remove(from: thread)
        }
    }

    /// Nothing is cached here: the session applies `selective` again, which
    /// restarts every event.
    static func breakpointsChanged() {}

    private static func watchLines(_ code: CodePointer) {
        let object = PythonObject(borrowing: UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self))
        // A generator's code resumes at several points.
        guard !watchedCode.contains(where: { $0.pointer == object.pointer }) else { return }
        if monitoring?.setLineEvents(true, in: object) == true {
            watchedCode.append(object)
        }
    }

    private static func unwatchAll() {
        monitoring?.watchStarts(false)
        for code in watchedCode {
            _ = monitoring?.setLineEvents(false, in: code)
        }
        watchedCode = []
    }

    // MARK: Callbacks (GIL held; CPython delivers no events inside them)

    /// PY_START or PY_RESUME(code, offset): code starts, or resumes at
    /// `offset`, for the first time since events were restarted.
    fileprivate static let started: PythonFastFunction = { _, arguments, count in
        guard let monitoring else { return qdb_new_none() }
        if mode == .selective, count >= 1, let code = arguments?[0],
           query.holdsBreakpoint(UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyCodeObject.self)) {
            watchLines(UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyCodeObject.self))
        }
        PyErr_Clear()
        return monitoring.disable.newReference()
    }

    /// LINE(code, line): a line of code that holds a breakpoint.
    fileprivate static let line: PythonFastFunction = { _, arguments, count in
        guard let monitoring, mode == .selective, count >= 2, let code = arguments?[0], let number = arguments?[1]
        else { return qdb_new_none() }
        let line = PyLong_AsLong(number)
        guard query.mayStop(UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyCodeObject.self), line) else {
            PyErr_Clear()
            return monitoring.disable.newReference()
        }
        guard PyThreadState_Get() == thread, let frame = PyEval_GetFrame() else { return qdb_new_none() }
        // The same entry as a trace event: the session decides and stops.
        return TraceHook.function(nil, frame, PyTrace_LINE, nil) == 0 ? qdb_new_none() : nil
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
            let start = try events.attribute("PY_START"), resume = try events.attribute("PY_RESUME")
            startEvents = try withExtendedLifetime((start, resume)) { () throws(PythonError) in
                try .result(PyNumber_Or(start.pointer, resume.pointer))
            }
            // Another debugger (debugpy, pdb 3.14) may hold the id.
            guard try monitoring.callMethod("get_tool", tool).isNone else { return nil }
            _ = try monitoring.callMethod("use_tool_id", tool, PythonObject("qdb"))
            _ = try monitoring.callMethod(
                "register_callback", tool, lineEvent,
                PythonObject.function(named: "qdb_line", MonitoringTracing.line))
            let started = PythonObject.function(named: "qdb_start", MonitoringTracing.started)
            _ = try monitoring.callMethod("register_callback", tool, start, started)
            _ = try monitoring.callMethod("register_callback", tool, resume, started)
        } catch {
            PyErr_Clear()
            return nil
        }
    }

    func watchStarts(_ on: Bool) {
        _ = try? setEventsFunction.call(tool, on ? startEvents : noEvents)
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
