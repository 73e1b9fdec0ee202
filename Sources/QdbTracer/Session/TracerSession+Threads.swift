import CPython
import QdbProtocol

/// The program's threads: how the session numbers and finds them, pauses
/// them, and holds them with stop_all_threads; and the extension commands
/// for threads and exception catches (docs/protocol-extensions.md).
extension TracerSession {
    /// Runs `body` with the frame `thread` is executing.
    func withTopFrame(of thread: ThreadPointer, _ body: (PythonFrame) -> Void) {
        guard let frame = PyThreadState_GetFrame(thread) else { return }
        defer { qdb_decref(UnsafeMutableRawPointer(frame).assumingMemoryBound(to: PyObject.self)) }
        body(codes.frame(frame))
    }

    /// stop_all_threads: every other thread running Python stops at its
    /// next line, wherever it is.
    func parkThreads(except stopped: ThreadPointer) {
        for other in PythonThreads.running where other != stopped && !stops.holds(other) {
            withTopFrame(of: other) { top in
                threads.record(for: other, at: top)
                threads[other]?.isParking = true
                armStack(from: top, of: other) { _ in true }
            }
        }
        pinReferencedFrames()
        retrace()
    }

    /// Pause: the thread (by default the main one) stops at its next line,
    /// even when nothing traced it. Works from any thread holding the GIL.
    func pause(_ thread: ThreadPointer? = nil) {
        guard state == .active, let thread = thread ?? defaultPauseThread, !stops.holds(thread) else { return }
        withTopFrame(of: thread) { top in
            threads.record(for: thread, at: top)
            threads[thread]?.debugger.setStep()
            armStack(from: top, of: thread) { _ in true }
        }
        pinReferencedFrames()
        retrace()
    }

    /// What a plain `pause` stops: the main thread, or if it runs no
    /// Python any more, the thread that started the session.
    private var defaultPauseThread: ThreadPointer? {
        let running = PythonThreads.running
        return running.first(where: threads.isMain)
            ?? running.first { UInt(qdb_thread_ident($0)) == originThreadID }
    }

    // MARK: Commands

    /// `pause N`: that thread stops at its next line; null pauses the main
    /// thread, as the original's pause does.
    func pauseCommand(_ payload: JSONValue) {
        guard !payload.isNull else { return pause() }
        guard let thread = threadNamed(by: payload, command: "pause") else { return }
        pause(thread)
    }

    /// `thread N`: the clients now act on thread N, which must be stopped.
    /// Returns true when the selection moved to another thread (whose stop
    /// the clients are then shown).
    func selectThread(_ payload: JSONValue) -> Bool {
        guard let thread = threadNamed(by: payload, command: "thread") else { return false }
        if thread == stops.selected {
            refreshWatchlist()
            send(.watchlist(watchlist.entries))
            sendStack()
            return false
        }
        guard stops.select(thread) else {
            let number = payload.intValue ?? 0
            send(.error(ErrorInfo(type: "thread", "Thread \(number) is running; 'pause \(number)' stops it")))
            return false
        }
        turnstile.advance()
        return true
    }

    /// The running thread a payload names by number, or nil after sending
    /// the error.
    private func threadNamed(by payload: JSONValue, command: String) -> ThreadPointer? {
        guard let number = payload.intValue else {
            send(.error(ErrorInfo(type: command, "\(command): expected a thread number")))
            return nil
        }
        guard let thread = threads.state(numbered: number) else {
            send(.error(ErrorInfo(type: command, "No thread \(number)")))
            return nil
        }
        return thread
    }

    /// `threads`: every thread running Python, oldest number first.
    func sendThreads() {
        let names = PythonThreads.names()
        let summaries = PythonThreads.running.map { thread in
            let state: ThreadSummary.State = if thread == stops.selected {
                .selected
            } else if stops.isParked(thread) {
                .parked
            } else if stops.holds(thread) {
                .stopped
            } else {
                .running
            }
            return ThreadSummary(thread: threads.info(of: thread, names: names), state: state, frame: userFrame(of: thread))
        }
        send(.threads(summaries.sorted { $0.thread.id < $1.thread.id }))
    }

    /// The thread's innermost frame of user code: for a stopped thread,
    /// the innermost its stop shows.
    private func userFrame(of thread: ThreadPointer) -> StackFrame? {
        var entry = stopContexts[thread]?.stack.entries.last
        if entry == nil {
            withTopFrame(of: thread) { top in
                var current: PythonFrame? = top
                while let frame = current, frame.isSkipped {
                    current = frame.back
                }
                entry = current.map { StackEntry(frame: $0, line: $0.line) }
            }
        }
        return entry.map { entry in
            StackFrame(
                file: entry.frame.file, line: entry.line, function: entry.frame.functionName,
                code: sources.line(entry.line, of: entry.frame.file))
        }
    }

    // MARK: catch, uncatch

    /// `catch NAME` (null: any exception) or `uncatch NAME` (null: all);
    /// replies with the names caught.
    func catchCommand(_ payload: JSONValue, adding: Bool) {
        let command = adding ? "catch" : "uncatch"
        let name: String?
        switch payload {
        case .null:
            name = adding ? ExceptionCatches.anyException : nil
        case .string(let text) where !text.trimmingWhitespace().isEmpty:
            name = text.trimmingWhitespace()
        default:
            send(.error(ErrorInfo(type: command, "\(command): expected an exception class name")))
            return
        }
        if adding, let name {
            catches.add(name)
        } else if !catches.remove(name), let name {
            send(.error(ErrorInfo(type: command, "Not catching \(name)")))
        }
        send(.catches(catches.names))
        breakpointsChanged()
    }

    // MARK: stop_all_threads

    /// `stop_all_threads true|false` sets the option, null asks; replies
    /// with its value.
    func stopAllThreadsCommand(_ payload: JSONValue) {
        switch payload {
        case .null:
            break
        case .bool(let on):
            stopsAllThreads = on
            if on, let selected = stops.selected {
                parkThreads(except: selected)
            }
        default:
            send(.error(ErrorInfo(type: "stop_all_threads", "stop_all_threads: expected true or false")))
            return
        }
        send(.stopAllThreads(stopsAllThreads))
    }
}
