import CPython
import Glibc
import QdbConsole
import QdbProtocol

/// The debugging session of this process, at most one at a time (the
/// original's `Qdb` singleton): the debugger core, the user's watchlist
/// and breakpoints, the channel to the server, and whether the program is
/// running, stopped or no longer debugged.
///
/// `@unchecked Sendable`: every member is only touched with the GIL held:
/// from the trace hook, from `_qdb` functions Python calls, or from the
/// reader thread after `PythonGIL.withLock`. The GIL is this class's lock.
final class TracerSession: @unchecked Sendable {
    /// The session the trace hook and the `_qdb` functions talk to.
    /// Guarded by the GIL.
    nonisolated(unsafe) static var active: TracerSession?

    /// Code object facts outlive sessions: the co_extra slot is requested
    /// once per process.
    nonisolated(unsafe) private static var sharedCodes: CodeInfoCache?

    enum State {
        case running
        case stopped
        case disabled
    }

    enum DisableMode: String {
        /// Stop debugging; the program runs on untraced.
        case soft
        /// Stop debugging and raise QdbQuit in the program.
        case hard
    }

    let options: SessionOptions
    let channel: CommandChannel
    let codes: CodeInfoCache
    let evaluator: Evaluator
    private(set) var state: State = .running
    var debugger = Debugger<PythonFrame>()
    var watchlist = Watchlist()
    var sources = SourceFiles()
    /// The stop being handled, while `state == .stopped`.
    var currentStop: StopContext?
    /// Commands in client syntax to run at the first stop, before asking
    /// the channel (`python -m qdb -c CMD`), and the console that reads them.
    var startupCommands: [String] = []
    private var startupConsole = ConsoleSession()
    /// Set by the first client `start`: after that, an `error` event comes
    /// from a client, not from the server.
    var clientAttached = false
    private var output: OutputRedirection?
    private var pinnedFrames: [PythonObject] = []
    private var debuggee: UnsafeMutablePointer<PyThreadState>?
    private var debuggeeThreadID: UInt = 0

    init(options: SessionOptions, channel: CommandChannel) {
        self.options = options
        self.channel = channel
        let codes = Self.sharedCodes ?? CodeInfoCache(skipRule: options.skipRule)
        Self.sharedCodes = codes
        codes.update(options.skipRule)
        self.codes = codes
        evaluator = Evaluator(
            evalFunction: options.evalFunction, exceptionSerializer: options.exceptionSerializer,
            reprFunction: options.reprFunction, defaultNamespace: options.defaultNamespace,
            timeout: options.executionTimeout, watchdog: .shared)
    }

    /// Starts forwarding output, if the options ask for it and someone
    /// listens.
    func redirectOutput() throws(PythonError) {
        guard options.redirectOutput, channel.forwardsProgramOutput, output == nil else { return }
        output = try OutputRedirection()
    }

    // MARK: Tracing

    /// Debugs this thread from `frame` out (bdb's `set_trace`): stops at
    /// the next line when `stopping`, otherwise only at breakpoints.
    func trace(from frame: FramePointer?, stopping: Bool) {
        guard state == .running else { return }
        debuggee = PyThreadState_Get()
        debuggeeThreadID = PyThread_get_thread_ident()
        let start = frame.map(codes.frame)
        debugger.start(at: start, stopping: stopping)
        var current = start
        while let traced = current {
            traced.markTraced(marker: TraceHook.frameMarker.pointer)
            current = traced.back
        }
        pinReferencedFrames()
        if stopping {
            trace(.full)
        } else {
            continueRunning()
        }
    }

    /// The trace hook's entry: one trace event of the debugged thread.
    func trace(_ pointer: FramePointer, event: Int32, argument: PyPointer?) -> Int32 {
        // 3.12+ deliver every thread's events (see `qdb_set_trace`); and
        // while another thread holds a stop (a post mortem), this one runs
        // on.
        guard PyThreadState_Get() == debuggee, state == .running else { return 0 }
        let frame = codes.frame(pointer)
        if frame.isSkipped {
            if event == PyTrace_CALL {
                frame.disableLineEvents()
            }
            return 0
        }
        let decision: TraceDecision
        switch event {
        case PyTrace_CALL:
            started(frame)
            return 0
        case PyTrace_LINE:
            // CPython 3.11 skips the call event when the eval breaker is set
            // as a function starts (another thread wants the GIL, say), so
            // the first line of a frame we never saw stands in for it.
            // Frames we decided to ignore have their line events off.
            if !frame.isTraced {
                started(frame)
            }
            guard frame.isTraced else { return 0 }
            decision = debugger.line(frame, evaluate: evaluateCondition)
        case PyTrace_RETURN where frame.isTraced:
            decision = debugger.returning(frame)
        case PyTrace_EXCEPTION where frame.isTraced:
            decision = debugger.exception(frame, kind: Self.exceptionKind(argument))
        default:
            return 0
        }
        guard case .stop(let kind, let failure) = decision else { return 0 }
        return stop(at: frame, kind: kind, conditionFailure: failure, argument: argument)
    }

    /// A frame starts: traced (bdb's `f_trace`) unless nothing in it can
    /// stop, in which case it gets no line events at all.
    private func started(_ frame: PythonFrame) {
        let hadBottom = debugger.bottomFrame != nil
        let decision = debugger.call(frame)
        if !hadBottom {
            pinReferencedFrames()
        }
        if decision == .ignoreFrame {
            frame.disableLineEvents()
        } else {
            frame.markTraced(marker: TraceHook.frameMarker.pointer)
        }
    }

    private func evaluateCondition(_ condition: String, _ frame: PythonFrame) -> ConditionOutcome {
        evaluator.condition(condition, in: frame)
    }

    private static func exceptionKind(_ argument: PyPointer?) -> ExceptionKind {
        guard let argument, qdb_is_tuple(argument) != 0, PyTuple_Size(argument) == 3 else { return .other }
        let type = PyTuple_GetItem(argument, 0)
        return ExceptionKind(
            isStopIteration: type == qdb_exc_stop_iteration(),
            isGeneratorExit: type == qdb_exc_generator_exit(),
            hasTraceback: qdb_is_none(PyTuple_GetItem(argument, 2)) == 0)
    }

    // MARK: Stops

    private func stop(at frame: PythonFrame, kind: StopKind, conditionFailure: ConditionFailure?, argument: PyPointer?) -> Int32 {
        switch handleStop(at: frame, kind: kind, conditionFailure: conditionFailure, argument: argument) {
        case .resume(let resumption):
            resume(resumption, from: frame)
            return 0
        case .raise(let error):
            error.restore()
            return -1
        }
    }

    /// Tells the clients about the stop and handles their commands until
    /// one resumes the program.
    private func handleStop(
        at frame: PythonFrame, kind: StopKind, conditionFailure: ConditionFailure?, argument: PyPointer?
    ) -> LoopOutcome {
        state = .stopped
        if let conditionFailure {
            send(.error(ErrorInfo(type: "condition", data: conditionFailure.json)))
        }
        let context = StopContext(at: frame, kind: kind, argument: argument, debugger: debugger)
        currentStop = context
        refreshWatchlist()
        send(.watchlist(watchlist.entries))
        sendStack()
        if let event = context.event {
            send(event)
        }
        let outcome = runCommands()
        currentStop = nil
        return outcome
    }

    /// pdb's post mortem: stops at the frame that raised `exception`, which
    /// nothing caught, for the clients to inspect. Whatever they do next,
    /// the program goes on as python would, stopping only at breakpoints.
    /// From any thread; nothing happens while another stop is being handled.
    func postMortem(_ exception: PythonObject) throws(PythonError) {
        guard state == .running, var traceback = try? exception.attribute("__traceback__") else {
            PyErr_Clear()
            return
        }
        // From the first frame shown: the runner's and library frames the
        // exception passed through are not the user's.
        while !traceback.isNone, let frame = try? traceback.attribute("tb_frame"),
              codes.info(for: UnsafeMutableRawPointer(frame.pointer).assumingMemoryBound(to: PyFrameObject.self)).isSkipped,
              let next = try? traceback.attribute("tb_next") {
            traceback = next
        }
        guard !traceback.isNone, let outermost = try? traceback.attribute("tb_frame") else {
            PyErr_Clear()
            return
        }
        let argument = try PythonObject.tuple([PythonObject(owning: PyObject_Type(exception.pointer)), exception, traceback])
        let frame = codes.frame(UnsafeMutableRawPointer(outermost.pointer).assumingMemoryBound(to: PyFrameObject.self))
        let outcome = withExtendedLifetime(outermost) {
            handleStop(at: frame, kind: .postMortem, conditionFailure: nil, argument: argument.pointer)
        }
        if state == .stopped {
            state = .running
            debugger.setContinue()
            continueRunning()
        }
        if case .raise(let error) = outcome {
            throw error
        }
    }

    enum Resumption {
        /// step, next, until, return: the frames on the stack may stop.
        case stepping
        /// continue: only breakpoints may stop.
        case continuing
    }

    enum LoopOutcome {
        case resume(Resumption)
        /// Leave the stop by raising in the program (QdbQuit,
        /// QdbAuthenticationError).
        case raise(PythonError)
    }

    /// Handles commands until one resumes the program.
    private func runCommands() -> LoopOutcome {
        while true {
            let input: ChannelInput
            if let startup = nextStartupCommand() {
                input = .command(startup)
            } else {
                input = PythonGIL.withoutLock { channel.nextInput() }
            }
            switch input {
            case .resume:
                return .resume(.stepping)
            case .lost:
                disable(.soft, notifyingServer: false)
                return .resume(.continuing)
            case .command(let message):
                if let outcome = handleAtStop(Command(message)) {
                    return outcome
                }
            }
        }
    }

    /// The next `-c` command as a message. Lines the console cannot read
    /// are reported on stderr and skipped.
    private func nextStartupCommand() -> Message? {
        while !startupCommands.isEmpty {
            let line = startupCommands.removeFirst()
            if let stack = stackPayload() {
                _ = startupConsole.render(.stack(stack))
            }
            switch startupConsole.interpret(line) {
            case .send(let command):
                return command.message
            case .quit(let mode):
                return mode.command.message
            case .error(let error):
                writeToStandardError("qdb: -c \(line): \(error.plainText)\n")
            case .show, .none:
                continue
            }
        }
        return nil
    }

    private func resume(_ resumption: Resumption, from frame: PythonFrame) {
        guard state == .stopped else { return }
        state = .running
        pinReferencedFrames()
        switch resumption {
        case .stepping:
            armStack(from: frame) { _ in true }
            trace(.full)
        case .continuing:
            continueRunning()
        }
    }

    // MARK: How the thread is traced

    /// How the debugged thread is traced: everything while stepping,
    /// nothing without breakpoints, and with breakpoints only the code
    /// that holds one (see `TracingBackend`).
    private func trace(_ mode: TracingMode) {
        guard let debuggee else { return }
        guard mode == .selective else {
            Tracing.apply(mode, on: debuggee, query: BreakpointQuery())
            return
        }
        // The backend holds these closures only while the session runs
        // selectively.
        let query = BreakpointQuery(
            holdsBreakpoint: { [unowned self] code in codeHoldsBreakpoint(code) },
            mayStop: { [unowned self] code, line in codeMayStop(code, at: line) },
            runningCode: runningCodeHoldingBreakpoints())
        Tracing.apply(mode, on: debuggee, query: query)
    }

    /// Running until a breakpoint (after `continue`): with none, nothing
    /// can stop the program and it runs untraced; otherwise the frames
    /// already running code that holds one are armed, and new frames are
    /// traced only if theirs does.
    private func continueRunning() {
        guard state == .running else { return }
        guard !debugger.breakpoints.isEmpty else {
            trace(.off)
            return
        }
        withDebuggeeTopFrame { top in
            armStack(from: top) { debugger.breakpoints.hasBreakpoints(inFile: $0.file) }
        }
        trace(.selective)
    }

    /// Breakpoints were set or cleared. A program stepping goes on as it
    /// was; one running to its next breakpoint gets the tracing the new
    /// set needs.
    func breakpointsChanged() {
        Tracing.breakpointsChanged()
        if state == .running && Tracing.mode != .full {
            continueRunning()
        }
    }

    /// Pause: the running program stops at its next line, even when
    /// nothing was traced. Works from any thread holding the GIL.
    func pause() {
        guard state == .running, debuggee != nil else { return }
        debugger.setStep()
        pinReferencedFrames()
        withDebuggeeTopFrame { top in
            armStack(from: top) { _ in true }
        }
        trace(.full)
    }

    /// Whether frames of `code` can stop at a breakpoint: one of its lines
    /// holds one, or its `def` line does (a function breakpoint).
    private func codeHoldsBreakpoint(_ code: CodePointer) -> Bool {
        guard case let (info, lines)? = breakpointLines(of: code) else { return false }
        return lines.contains(info.firstLine) || lines.contains { info.lines(of: code).contains($0) }
    }

    /// Whether `line` of `code` can stop: it holds a breakpoint, or the
    /// `def` line does (the function's first line stops; which line that
    /// is, the debugger learns when it runs).
    private func codeMayStop(_ code: CodePointer, at line: Int) -> Bool {
        guard case let (info, lines)? = breakpointLines(of: code) else { return false }
        return lines.contains(line) || lines.contains(info.firstLine)
    }

    /// The code's facts and the breakpoint lines of its file, unless it is
    /// skipped or its file has none.
    private func breakpointLines(of code: CodePointer) -> (CodeInfo, Dictionary<Int, Int>.Keys)? {
        let info = codes.info(forCode: code)
        guard !info.isSkipped, let lines = debugger.breakpoints.lines(inFile: info.file) else { return nil }
        return (info, lines)
    }

    /// The code of the frames the debugged thread is running now, down to
    /// the bottom frame, that holds a breakpoint.
    private func runningCodeHoldingBreakpoints() -> [CodePointer] {
        var running: [CodePointer] = []
        withDebuggeeTopFrame { top in
            var current: PythonFrame? = top
            while let frame = current {
                withExtendedLifetime(frame) {
                    let code = PyFrame_GetCode(frame.pointer)!
                    // The running frame keeps its code alive.
                    qdb_decref(UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self))
                    if codeHoldsBreakpoint(code) {
                        running.append(code)
                    }
                }
                current = frame == debugger.bottomFrame ? nil : frame.back
            }
        }
        return running
    }

    /// Marks `frame` and its callers up to the bottom frame as traced when
    /// `include` says so, so that they deliver line events.
    private func armStack(from frame: PythonFrame, include: (PythonFrame) -> Bool) {
        var current: PythonFrame? = frame
        while let visited = current {
            if !visited.isSkipped && include(visited) {
                visited.markTraced(marker: TraceHook.frameMarker.pointer)
            }
            if visited == debugger.bottomFrame { break }
            current = visited.back
        }
    }

    /// Runs `body` with the frame the debugged thread is executing.
    private func withDebuggeeTopFrame(_ body: (PythonFrame) -> Void) {
        guard let debuggee, let frame = PyThreadState_GetFrame(debuggee) else { return }
        defer { qdb_decref(UnsafeMutableRawPointer(frame).assumingMemoryBound(to: PyObject.self)) }
        body(codes.frame(frame))
    }

    /// Keeps alive the frames the debugger compares by identity, so that a
    /// frame object recycled at the same address can never pass for them.
    private func pinReferencedFrames() {
        pinnedFrames = debugger.referencedFrames.map { PythonObject(borrowing: $0.object) }
    }

    // MARK: Ending

    /// Ends debugging: breakpoints cleared, hook removed, output no longer
    /// forwarded, the server told (`disabled`) and the channel closed.
    func disable(_ mode: DisableMode, notifyingServer: Bool = true, waitingForReader: Bool = false) {
        guard state != .disabled else { return }
        state = .disabled
        debugger.breakpoints.removeAll()
        debugger.setContinue()
        trace(.off)
        output?.restore()
        output = nil
        pinnedFrames = []
        if notifyingServer {
            channel.send(Event.disabled.message)
        }
        if waitingForReader {
            PythonGIL.withoutLock { channel.close(waitingForReader: true) }
        } else {
            channel.close(waitingForReader: false)
        }
        if TracerSession.active === self {
            TracerSession.active = nil
        }
        if mode == .hard && currentStop == nil {
            raiseInProgram("QdbQuit")
        }
    }

    /// In a child process after fork(): the session belongs to the parent.
    /// Tracing stops here without a word to the server, whose connection
    /// (shared with the parent) is left alone.
    func forgetAfterFork() {
        state = .disabled
        if let thread = PyThreadState_Get() {
            Tracing.apply(.off, on: thread, query: BreakpointQuery())
        }
        debuggee = nil
        output?.restore()
        output = nil
        pinnedFrames = []
        channel.abandonAfterFork()
        TracerSession.active = nil
    }

    /// Raises `qdb.errors.<name>` in the running program at its next
    /// instruction.
    func raiseInProgram(_ name: String) {
        guard debuggeeThreadID != 0, let type = try? QdbErrors.class(name) else {
            PyErr_Clear()
            return
        }
        withExtendedLifetime(type) {
            _ = PyThreadState_SetAsyncExc(debuggeeThreadID, type.pointer)
        }
    }

    // MARK: Sending

    func send(_ event: Event) {
        channel.send(event.message)
    }

    func sendStack() {
        if let stack = stackPayload() {
            send(.stack(stack))
        }
    }

    /// The stop's stack as the protocol shows it.
    private func stackPayload() -> Stack? {
        guard let currentStop else { return nil }
        let frames = currentStop.stack.entries.map { entry in
            StackFrame(
                file: entry.frame.file, line: entry.line, function: entry.frame.functionName,
                code: sources.line(entry.line, of: entry.frame.file))
        }
        return Stack(index: currentStop.stack.index, frames: frames)
    }

    /// Re-evaluates the watchlist in the selected frame (only at a stop:
    /// a running program has no frame to evaluate in).
    func refreshWatchlist() {
        guard let frame = currentStop?.selectedFrame else { return }
        watchlist.refresh { expression in
            evaluator.value(of: expression, in: frame).map(JSONConversion.json(from:))
        }
    }

    /// Forwards one write of the program to `<stdout>`/`<stderr>`: one
    /// `print` event, or several for a write too big for one message.
    func forwardOutput(stream: String, text: String) {
        guard state != .disabled, output != nil else { return }
        var rest = Substring(text)
        repeat {
            let chunk = rest.prefix(JSONConversion.maximumSize / 4)
            rest = rest.dropFirst(chunk.count)
            send(.print(.programOutput(stream: stream, String(chunk))))
        } while !rest.isEmpty
    }
}
