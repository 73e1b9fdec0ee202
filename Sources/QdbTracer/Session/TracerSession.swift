import CPython
import Glibc
import QdbProtocol

/// The debugging session of this process, at most one at a time (the
/// original's `Qdb` singleton): one debugger per thread, the breakpoints,
/// catches and watchlist they share, the channel to the server, and which
/// threads are stopped.
///
/// `@unchecked Sendable`: every member is only touched with the GIL held:
/// from the trace hook, from `_qdb` functions Python calls, or from the
/// reader thread after `PythonGIL.withLock`. The GIL is this class's lock.
/// Nothing holds a member borrowed while Python runs (a condition, an
/// eval), since other threads run then and come back in.
final class TracerSession: @unchecked Sendable {
    /// The session the trace hook and the `_qdb` functions talk to.
    /// Guarded by the GIL.
    nonisolated(unsafe) static var active: TracerSession?

    /// Code object facts outlive sessions: the co_extra slot is requested
    /// once per process.
    nonisolated(unsafe) private static var sharedCodes: CodeInfoCache?

    enum State {
        case active
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
    private(set) var state: State = .active
    var breakpoints = BreakpointTable()
    var catches = ExceptionCatches()
    var stopsAllThreads: Bool
    /// Every thread seen running Python, with its debugger and number.
    var threads = ThreadRegistry()
    /// Which threads are stopped, and whose stop the clients see.
    var stops = StopQueue<ThreadPointer>()
    /// The stops being handled, one per stopped thread.
    private(set) var stopContexts: [ThreadPointer: StopContext] = [:]
    let turnstile = StopTurnstile()
    /// How threads are traced now (what `retrace` last asked for).
    var tracing = TracingPlan.off
    var watchlist = Watchlist()
    /// `args`, `whatis`, `source`, `display` and `complete`, with the
    /// display expressions.
    var inspector: FrameInspector
    var sources = SourceFiles()
    /// Commands in client syntax to run at the first stop, before asking
    /// the channel (`python -m qdb -c CMD`).
    var startupCommands = StartupCommands()
    /// The breakpoint whose `commands` are running: their eval results
    /// say so (the `breakpoint` key of `print`).
    var runningCommandsOf: Int?
    /// Set by the first client `start`: after that, an `error` event comes
    /// from a client, not from the server.
    var clientAttached = false
    /// `stop_reasons`: the `stack` that announces a stop says why, and
    /// `running` tells when it ends.
    var sendsStopReasons = false
    /// Whether `step` stops where a function starts (pdb's `--Call--`).
    var stopsAtCalls = false
    private var output: OutputRedirection?
    private var pinnedFrames: [PythonObject] = []
    /// The thread that started the session: QdbQuit and an authentication
    /// failure are raised there.
    var originThreadID: UInt = 0

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
        inspector = FrameInspector(evaluator: evaluator)
        stopsAllThreads = options.stopAllThreads
    }

    /// The stop the clients see, while a thread is selected.
    var currentStop: StopContext? {
        get { stops.selected.flatMap { stopContexts[$0] } }
        set {
            if let selected = stops.selected {
                stopContexts[selected] = newValue
            }
        }
    }

    /// Starts forwarding output, if the options ask for it and someone
    /// listens.
    func redirectOutput() throws(PythonError) {
        guard options.redirectOutput, channel.forwardsProgramOutput, output == nil else { return }
        output = try OutputRedirection()
    }

    // MARK: Tracing

    /// Debugs this thread from `frame` out (bdb's `set_trace`), stopping
    /// first as `firstStop` says. Other threads are debugged as they reach
    /// a breakpoint.
    func trace(from frame: FramePointer?, firstStop: FirstStop) {
        guard state == .active, let current = PyThreadState_Get() else { return }
        originThreadID = UInt(qdb_thread_ident(current))
        let start = frame.map(codes.frame)
        threads.record(for: current, at: start)
        threads[current]?.debugger.start(at: start, stopping: firstStop)
        var traced = start
        while let frame = traced {
            frame.markTraced(marker: TraceHook.frameMarker.pointer)
            traced = frame.back
        }
        pinReferencedFrames()
        retrace()
    }

    /// The trace hook's entry: one trace event, of any thread; each thread
    /// goes by its own debugger. A line event may come with its line
    /// number, which the frame would otherwise work out again.
    func trace(_ pointer: FramePointer, event: Int32, argument: PyPointer?, line: Int? = nil) -> Int32 {
        // A stopped thread runs Python only for the clients (eval at a
        // post mortem stop), which is not debugged.
        guard state == .active, let current = PyThreadState_Get(), !stops.holds(current) else { return 0 }
        let frame = codes.frame(pointer)
        if frame.isSkipped {
            if event == PyTrace_CALL {
                frame.disableLineEvents()
            }
            return 0
        }
        let thread = threads.record(for: current, at: frame)
        let decision: TraceDecision
        switch event {
        case PyTrace_CALL:
            started(frame, in: thread)
            guard stopsAtCalls, !thread.isParking, thread.debugger.stopsAtCall(frame) else { return 0 }
            decision = .stop(.call)
        case PyTrace_LINE:
            // CPython 3.11 skips the call event when the eval breaker is set
            // as a function starts (another thread wants the GIL, say), so
            // the first line of a frame we never saw stands in for it.
            // Frames we decided to ignore have their line events off.
            if !frame.isTraced {
                started(frame, in: thread)
            }
            guard frame.isTraced else { return 0 }
            if thread.isParking {
                return park(current, at: frame)
            }
            // `line` in two halves, so that nothing of the thread's is held
            // while conditions run Python (other threads run meanwhile, and
            // may pause this one); the table goes by value for the same
            // reason.
            if thread.debugger.stepStops(at: frame) {
                decision = .stop(.line)
            } else {
                let (hitDecision, changes) = Debugger.breakpointDecision(
                    at: frame, line: line ?? frame.line, breakpoints: breakpoints, evaluate: evaluateCondition)
                for fired in breakpoints.apply(changes) {
                    // pdb says so when a temporary breakpoint fires.
                    send(.breakChanged(BreakpointChangeInfo(.deleted, fired.numbered)))
                }
                decision = hitDecision
            }
        case PyTrace_RETURN where frame.isTraced:
            decision = thread.debugger.returning(frame)
        case PyTrace_EXCEPTION:
            let exception = ExceptionEvent(argument)
            if catchesException(exception) {
                decision = .stop(.exception)
            } else if frame.isTraced {
                decision = thread.debugger.exception(frame, kind: exception?.kind ?? .other)
            } else {
                return 0
            }
        default:
            return 0
        }
        guard case .stop(let kind, let breakpoint) = decision else { return 0 }
        return stop(current, at: frame, kind: kind, breakpoint: breakpoint, argument: argument)
    }

    /// A frame starts: traced (bdb's `f_trace`) unless nothing in it can
    /// stop, in which case it gets no line events at all.
    private func started(_ frame: PythonFrame, in thread: DebuggedThread) {
        let hadBottom = thread.debugger.bottomFrame != nil
        let decision = thread.debugger.call(frame, breakpoints: breakpoints)
        if !hadBottom {
            pinReferencedFrames()
        }
        if decision == .ignoreFrame && !thread.isParking {
            frame.disableLineEvents()
        } else {
            frame.markTraced(marker: TraceHook.frameMarker.pointer)
        }
    }

    private func evaluateCondition(_ condition: String, _ frame: PythonFrame) -> ConditionOutcome {
        evaluator.condition(condition, in: frame)
    }

    /// Whether an exception event stops for `catch`: its class is caught,
    /// and it was raised in `frame` or came out of library code into it.
    /// So an exception stops once, in the user's frame nearest to where it
    /// was raised.
    private func catchesException(_ event: ExceptionEvent?) -> Bool {
        guard !catches.isEmpty, let event else { return false }
        return event.isRaisedHere { codes.info(for: $0).isSkipped } && catches.catches(classNames: event.classNames)
    }

    // MARK: Stops

    enum LoopOutcome {
        /// Go on as the thread's debugger now says.
        case resume
        /// Leave the stop by raising in the program (QdbQuit,
        /// QdbAuthenticationError).
        case raise(PythonError)
        /// The clients selected another stopped thread: wait for the turn
        /// to come back.
        case yieldTurn
    }

    private func stop(
        _ thread: ThreadPointer, at frame: PythonFrame, kind: StopKind, breakpoint: BreakpointStop?,
        argument: PyPointer?
    ) -> Int32 {
        let context = StopContext(
            at: frame, kind: kind, argument: argument, breakpoint: breakpoint, debugger: threads[thread]?.debugger)
        return leave(hold(thread, context, parked: false), thread, from: frame)
    }

    /// stop_all_threads: the thread stops at this line with nothing to show,
    /// unless the stop it stops for is over already.
    private func park(_ thread: ThreadPointer, at frame: PythonFrame) -> Int32 {
        threads[thread]?.isParking = false
        let context = StopContext(
            at: frame, kind: .line, argument: nil, breakpoint: nil, debugger: threads[thread]?.debugger)
        return leave(hold(thread, context, parked: true), thread, from: frame)
    }

    /// Back to the program from a trace event.
    private func leave(_ outcome: LoopOutcome, _ thread: ThreadPointer, from frame: PythonFrame) -> Int32 {
        resume(thread, from: frame)
        if case .raise(let error) = outcome {
            error.restore()
            return -1
        }
        return 0
    }

    /// Holds `thread` stopped: shows its stop when it is selected (at once
    /// if no other stop is shown) and handles the clients' commands, until
    /// one resumes it. A thread waiting its turn lets the GIL go. The
    /// commands of the breakpoint that stopped it run first, as in pdb;
    /// with `silent` among them the stop is shown only if they leave the
    /// program stopped.
    private func hold(_ thread: ThreadPointer, _ context: StopContext, parked: Bool) -> LoopOutcome {
        guard stops.arrive(thread, parked: parked) != .proceed else { return .resume }
        stopContexts[thread] = context
        defer { stopContexts[thread] = nil }
        var isNews = !parked
        while state == .active {
            if stops.selected == thread {
                if isNews, let failure = context.breakpoint?.conditionFailure {
                    send(.error(ErrorInfo(type: "condition", data: failure.json)))
                }
                // pdb prints what the commands print, then the stop (unless
                // `silent`), even when the commands resumed the program.
                let commands = isNews ? BreakpointCommands(context.breakpoint) : nil
                let outcome = commands.flatMap { runBreakpointCommands($0, in: thread) }
                if commands?.isSilent != true || outcome == nil {
                    show(thread, withEvent: isNews, isSilent: commands?.isSilent == true)
                }
                isNews = false
                let ending = outcome ?? runCommands(thread)
                if case .yieldTurn = ending {
                    continue
                }
                if sendsStopReasons && state == .active {
                    send(.running(threads.number(of: thread)))
                }
                stops.resume(thread, all: stopsAllThreads)
                // Threads still on their way to park run on; a stop selected
                // next parks them again as it is shown.
                for other in threads.all {
                    other.isParking = false
                }
                turnstile.advance()
                if stops.selected == nil {
                    // Sent during the stop, after the command that ended it.
                    channel.handleWaiting { handleWhileRunning(Command($0)) }
                }
                return ending
            }
            guard stops.holds(thread) else { return .resume }
            let seen = turnstile.current
            PythonGIL.withoutLock { turnstile.wait(past: seen) }
        }
        return .resume
    }

    /// Tells the clients about the selected thread's stop: the whole of it
    /// the first time, the stack again when the clients come back to it.
    private func show(_ thread: ThreadPointer, withEvent: Bool, isSilent: Bool = false) {
        refreshWatchlist()
        send(.watchlist(watchlist.entries))
        sendStack(isSilent: isSilent, stop: withEvent && sendsStopReasons ? currentStop?.reason : nil)
        if withEvent, let event = currentStop?.event {
            send(event)
        }
        if let frame = currentStop?.selectedFrame, let changed = inspector.changedDisplays(in: frame) {
            send(changed)
        }
        if stopsAllThreads {
            parkThreads(except: thread)
        }
    }

    /// pdb's post mortem: stops at the frame that raised `exception`, which
    /// nothing caught, for the clients to inspect. Whatever they do next,
    /// the thread goes on as python would, stopping only at breakpoints.
    /// From any thread; waits its turn if another thread's stop is shown.
    func postMortem(_ exception: PythonObject) throws(PythonError) {
        guard state == .active, let current = PyThreadState_Get(), !stops.holds(current),
              var traceback = try? exception.attribute("__traceback__")
        else {
            PyErr_Clear()
            return
        }
        // From the first frame shown: the runner's and library frames the
        // exception passed through are not the user's.
        while !traceback.isNone, let frame = try? traceback.attribute("tb_frame"),
              codes.info(for: frame.framePointer).isSkipped,
              let next = try? traceback.attribute("tb_next") {
            traceback = next
        }
        guard !traceback.isNone, let outermost = try? traceback.attribute("tb_frame") else {
            PyErr_Clear()
            return
        }
        let argument = try PythonObject.tuple([PythonObject(owning: PyObject_Type(exception.pointer)), exception, traceback])
        let frame = codes.frame(outermost.framePointer)
        let outcome = withExtendedLifetime(outermost) {
            threads.record(for: current, at: frame)
            let context = StopContext(
                at: frame, kind: .postMortem, argument: argument.pointer, breakpoint: nil,
                debugger: threads[current]?.debugger)
            return hold(current, context, parked: false)
        }
        threads[current]?.debugger.setContinue()
        retrace()
        if case .raise(let error) = outcome {
            throw error
        }
    }

    /// Handles commands until one resumes the program.
    private func runCommands(_ thread: ThreadPointer) -> LoopOutcome {
        while true {
            let input: ChannelInput
            if let startup = startupCommands.next(at: stackPayload()) {
                input = .command(startup)
            } else {
                input = PythonGIL.withoutLock { channel.nextInput() }
            }
            switch input {
            case .resume:
                return .resume
            case .lost:
                disable(.soft, notifyingServer: false)
                return .resume
            case .command(let message):
                if let outcome = handleAtStop(Command(message), in: thread) {
                    return outcome
                }
            }
        }
    }

    /// pdb's breakpoint `commands`, run at the stop their breakpoint made,
    /// as if a client had sent them; nil once they are done and the program
    /// is still stopped, otherwise how the stop ends (a `continue`, say).
    private func runBreakpointCommands(_ commands: BreakpointCommands, in thread: ThreadPointer) -> LoopOutcome? {
        runningCommandsOf = commands.number
        defer { runningCommandsOf = nil }
        var script = ConsoleScript()
        for line in commands.lines {
            switch script.read(line, at: stackPayload()) {
            case .commands(let commands):
                for command in commands {
                    if let outcome = handleAtStop(command, in: thread) {
                        return outcome
                    }
                }
            case .error(let error):
                send(.error(ErrorInfo(type: "commands", "breakpoint \(commands.number): \(line): \(error.plainText)")))
            }
        }
        return nil
    }

    /// A thread leaves its stop: traced line by line if it steps, only
    /// where it may stop if it continues.
    private func resume(_ thread: ThreadPointer, from frame: PythonFrame) {
        guard state == .active, let record = threads[thread] else { return }
        if record.debugger.isContinuing {
            armStack(from: frame, of: thread) { breakpoints.hasBreakpoints(inFile: $0.file) }
        } else {
            armStack(from: frame, of: thread) { _ in true }
        }
        pinReferencedFrames()
        retrace()
    }

    /// Keeps alive the frames the debuggers compare by identity, so that a
    /// frame object recycled at the same address can never pass for them.
    func pinReferencedFrames() {
        pinnedFrames = threads.all.flatMap(\.debugger.referencedFrames).map { PythonObject(borrowing: $0.object) }
    }

    // MARK: Ending

    /// Ends debugging: breakpoints cleared, hooks removed, stopped threads
    /// let go, output no longer forwarded, the server told (`disabled`)
    /// and the channel closed.
    func disable(_ mode: DisableMode, notifyingServer: Bool = true, waitingForReader: Bool = false) {
        guard state != .disabled else { return }
        let wasStopped = stops.selected != nil
        state = .disabled
        breakpoints.removeAll()
        catches.remove(nil)
        threads.removeAll()
        stops.releaseAll()
        turnstile.advance()
        Tracing.apply(.off)
        output?.restore()
        output = nil
        pinnedFrames = []
        evaluator.releaseConditions()
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
        if mode == .hard && !wasStopped {
            raiseInProgram("QdbQuit")
        }
    }

    /// In a child process after fork(): the session belongs to the parent.
    /// Tracing stops here without a word to the server, whose connection
    /// (shared with the parent) is left alone.
    func forgetAfterFork() {
        state = .disabled
        threads.removeAll()
        stops.releaseAll()
        Tracing.apply(.off)
        output?.restore()
        output = nil
        pinnedFrames = []
        evaluator.releaseConditions()
        channel.abandonAfterFork()
        TracerSession.active = nil
    }

    /// Raises `qdb.errors.<name>` in the thread that started the session,
    /// at its next instruction.
    func raiseInProgram(_ name: String) {
        guard originThreadID != 0, let type = try? QdbErrors.class(name) else {
            PyErr_Clear()
            return
        }
        withExtendedLifetime(type) {
            _ = PyThreadState_SetAsyncExc(originThreadID, type.pointer)
        }
    }

    // MARK: Sending

    func send(_ event: Event) {
        channel.send(event.message)
    }

    /// `isSilent`: a stop the clients need but pdb would not print.
    func sendStack(isSilent: Bool = false, stop: StopReason? = nil) {
        if var stack = stackPayload() {
            stack.isSilent = isSilent
            stack.stop = stop
            send(.stack(stack))
        }
    }

    /// The selected stop's stack as the protocol shows it, with its thread
    /// once the program has more than one (or stopped outside the main
    /// thread): single-threaded stops are the original's, to the byte.
    private func stackPayload() -> Stack? {
        guard let currentStop, let selected = stops.selected else { return nil }
        let frames = currentStop.stack.entries.map { entry in
            StackFrame(
                file: entry.frame.file, line: entry.line, function: entry.frame.functionName,
                code: sources.line(entry.line, of: entry.frame.file))
        }
        var stack = Stack(index: currentStop.stack.index, frames: frames)
        if !threads.isMain(selected) || PythonThreads.running.count > 1 {
            stack.thread = threads.info(of: selected, names: PythonThreads.names())
        }
        return stack
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
