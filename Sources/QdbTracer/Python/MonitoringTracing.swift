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
/// A frame stepped on its own (`next`, `until`, `return`) gets LINE,
/// PY_RETURN and PY_YIELD events on its code, and RAISE and PY_UNWIND
/// globally; callbacks pass on only that frame's events, so its callees
/// run with no events at all. Other stepping (`step`, a pause) uses the C
/// trace function, like 3.11; a thread that has it gets its events from
/// there, not from here. State is a few globals, guarded by the GIL like
/// the rest of the tracer.
enum MonitoringTracing: TracingBackend {
    nonisolated(unsafe) private static var query: BreakpointQuery?
    /// The frames stepped on their own.
    nonisolated(unsafe) private static var steppedFrames: [FramePointer] = []
    /// The line last found able to stop, as the plan stands: a breakpoint
    /// line in a hot loop comes back at every turn. (Were its code freed
    /// and the address reused, the line would only go on to the session,
    /// which checks its breakpoints itself.)
    nonisolated(unsafe) private static var stoppableLine: (code: CodePointer, line: Int)?
    /// Code given local events, with those events, kept alive so they can
    /// be taken back.
    nonisolated(unsafe) private static var watchedCode: [(code: PythonObject, events: LocalEvents)] = []
    /// Nil when another debugger holds the tool id: then breakpoints are
    /// found by tracing everything (slower, same stops).
    private static let monitoring = Monitoring()

    static func apply(_ plan: TracingPlan) {
        unwatchAll()
        query = nil
        steppedFrames = []
        stoppableLine = nil
        guard let monitoring else {
            // Another debugger holds the tool id: trace every thread
            // (slower, same stops).
            let needsAll = plan.query != nil || !plan.steppedFrames.isEmpty
            TraceHook.trace(needsAll ? PythonThreads.all : plan.stepping)
            return
        }
        TraceHook.trace(plan.stepping)
        guard plan.query != nil || !plan.steppedFrames.isEmpty else { return }
        query = plan.query
        steppedFrames = plan.steppedFrames.flatMap(\.frames)
        if let query = plan.query {
            for thread in PythonThreads.running {
                query.runningCode(thread).forEach { watch($0, .lines) }
            }
        }
        for frame in steppedFrames {
            watch(PyFrame_GetCode(frame), .steps, owned: true)
        }
        let stepping = !plan.steppedFrames.isEmpty
        monitoring.watch(
            starts: plan.query != nil, raises: stepping || plan.query?.hasCatches == true, unwinds: stepping)
        monitoring.restartEvents()
    }

    /// Adds `events` to those of `code`; `owned` when the caller passes
    /// its reference on.
    private static func watch(_ code: CodePointer, _ events: LocalEvents, owned: Bool = false) {
        let raw = UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self)
        let object = owned ? PythonObject(owning: raw) : PythonObject(borrowing: raw)
        // A generator's code resumes at several points.
        let index = watchedCode.firstIndex { $0.code.pointer == object.pointer }
        let wanted = events.union(index.map { watchedCode[$0].events } ?? [])
        guard index.map({ watchedCode[$0].events != wanted }) ?? true,
              monitoring?.setLocalEvents(wanted, in: object) == true
        else { return }
        if let index {
            watchedCode[index].events = wanted
        } else {
            watchedCode.append((object, wanted))
        }
    }

    private static func unwatchAll() {
        monitoring?.watch(starts: false, raises: false, unwinds: false)
        for watched in watchedCode {
            _ = monitoring?.setLocalEvents([], in: watched.code)
        }
        watchedCode = []
    }

    /// The running frame, if it is stepped on its own and its thread is
    /// not traced by the C trace function (which gives it its events).
    private static var steppedFrame: FramePointer? {
        guard !steppedFrames.isEmpty, !threadIsTraced, let frame = PyEval_GetFrame(),
              steppedFrames.contains(frame)
        else { return nil }
        return frame
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
            watch(code(object), .lines)
        }
        PyErr_Clear()
        return monitoring.disable.newReference()
    }

    /// LINE(code, line): a line of a stepped frame's code, or of code that
    /// holds a breakpoint.
    fileprivate static let line: PythonFastFunction = { _, arguments, count in
        guard let monitoring, count >= 2, let object = arguments?[0], let number = arguments?[1]
        else { return qdb_new_none() }
        let line = PyLong_AsLong(number)
        // The same entry as a trace event: the session decides and stops.
        if let frame = steppedFrame {
            return TraceHook.line(frame, line) == 0 ? qdb_new_none() : nil
        }
        if stoppableLine.map({ $0.code != code(object) || $0.line != line }) ?? true {
            guard let query, query.mayStop(code(object), line) else {
                PyErr_Clear()
                // A stepped frame's code (another frame of it runs, in
                // recursion or another thread) keeps its events.
                let isStepped = steppedFrames.contains { PyFrame_GetCode($0).map(release) == code(object) }
                return isStepped ? qdb_new_none() : monitoring.disable.newReference()
            }
            stoppableLine = (code(object), line)
        }
        guard !threadIsTraced, let frame = PyEval_GetFrame() else { return qdb_new_none() }
        return TraceHook.line(frame, line) == 0 ? qdb_new_none() : nil
    }

    /// PY_RETURN or PY_YIELD(code, offset, value): a frame of a stepped
    /// frame's code returns or yields.
    fileprivate static let returned: PythonFastFunction = { _, arguments, count in
        guard count >= 3, let frame = steppedFrame else { return qdb_new_none() }
        return TraceHook.function(nil, frame, PyTrace_RETURN, arguments?[2]) == 0 ? qdb_new_none() : nil
    }

    /// PY_UNWIND(code, offset, exception): a frame exits by an exception;
    /// a trace function sees a return of None.
    fileprivate static let unwound: PythonFastFunction = { _, _, _ in
        guard let frame = steppedFrame else { return qdb_new_none() }
        return TraceHook.function(nil, frame, PyTrace_RETURN, nil) == 0 ? qdb_new_none() : nil
    }

    /// The code a frame's reference was taken for, with the reference
    /// given back: the frame keeps its code alive.
    private static func release(_ code: CodePointer) -> CodePointer {
        qdb_decref(UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self))
        return code
    }

    /// RAISE(code, offset, exception): an exception is raised in, or comes
    /// out of a call into, `code`.
    fileprivate static let raised: PythonFastFunction = { _, arguments, count in
        guard count >= 3, let object = arguments?[0], let exception = arguments?[2] else { return qdb_new_none() }
        let frame: FramePointer
        if let stepped = steppedFrame {
            frame = stepped
        } else {
            guard let query, query.catchesExceptions(code(object)), !threadIsTraced, let running = PyEval_GetFrame()
            else { return qdb_new_none() }
            frame = running
        }
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

/// The local events qdb gives a code object.
struct LocalEvents: OptionSet {
    let rawValue: Int

    static let lines = LocalEvents(rawValue: 1)
    /// PY_RETURN and PY_YIELD.
    static let returns = LocalEvents(rawValue: 2)
    /// What a stepped frame's code gets.
    static let steps: LocalEvents = [.lines, .returns]
}

/// sys.monitoring's functions, looked up once, and qdb's tool id. A class,
/// so that a callback's `guard let monitoring` does not copy (and retain
/// and release) every object it holds.
private final class Monitoring: Sendable {
    let tool: PythonObject
    let disable: PythonObject
    private let setEventsFunction: PythonObject
    private let setLocalEventsFunction: PythonObject
    private let restartEventsFunction: PythonObject
    /// The events by number, to be combined.
    private let line, pyReturn, pyYield, start, resume, raise, unwind: Int

    init?() {
        do throws(PythonError) {
            let monitoring = try PythonObject.importModule("sys").attribute("monitoring")
            let events = try monitoring.attribute("events")
            tool = try monitoring.attribute("DEBUGGER_ID")
            disable = try monitoring.attribute("DISABLE")
            setEventsFunction = try monitoring.attribute("set_events")
            setLocalEventsFunction = try monitoring.attribute("set_local_events")
            restartEventsFunction = try monitoring.attribute("restart_events")
            func event(_ name: String) throws(PythonError) -> Int {
                guard let value = try events.attribute(name).intValue else { throw PythonError.fetch() }
                return value
            }
            (line, pyReturn, pyYield) = (try event("LINE"), try event("PY_RETURN"), try event("PY_YIELD"))
            (start, resume) = (try event("PY_START"), try event("PY_RESUME"))
            (raise, unwind) = (try event("RAISE"), try event("PY_UNWIND"))
            // Another debugger (debugpy, pdb 3.14) may hold the id.
            guard try monitoring.callMethod("get_tool", tool).isNone else { return nil }
            _ = try monitoring.callMethod("use_tool_id", tool, PythonObject("qdb"))
            let started = PythonObject.function(named: "qdb_start", MonitoringTracing.started)
            let returned = PythonObject.function(named: "qdb_return", MonitoringTracing.returned)
            for (event, callback) in [
                (line, PythonObject.function(named: "qdb_line", MonitoringTracing.line)),
                (start, started), (resume, started), (pyReturn, returned), (pyYield, returned),
                (raise, PythonObject.function(named: "qdb_raise", MonitoringTracing.raised)),
                (unwind, PythonObject.function(named: "qdb_unwind", MonitoringTracing.unwound)),
            ] {
                _ = try monitoring.callMethod("register_callback", tool, PythonObject(event), callback)
            }
        } catch {
            PyErr_Clear()
            return nil
        }
    }

    /// The global events: code starting (to find breakpoints), exceptions
    /// raised (for catches and stepped frames), frames unwinding (for
    /// stepped frames).
    func watch(starts: Bool, raises: Bool, unwinds: Bool) {
        let events = (starts ? start | resume : 0) | (raises ? raise : 0) | (unwinds ? unwind : 0)
        _ = try? setEventsFunction.call(tool, PythonObject(events))
        PyErr_Clear()
    }

    /// False if the code object refused (it is not Python code).
    func setLocalEvents(_ events: LocalEvents, in code: PythonObject) -> Bool {
        let number = (events.contains(.lines) ? line : 0) | (events.contains(.returns) ? pyReturn | pyYield : 0)
        defer { PyErr_Clear() }
        return (try? setLocalEventsFunction.call(tool, code, PythonObject(number))) != nil
    }

    func restartEvents() {
        _ = try? restartEventsFunction.call()
        PyErr_Clear()
    }
}
#endif
