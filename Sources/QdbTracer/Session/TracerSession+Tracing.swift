import CPython

/// How the session has threads traced (see `TracingBackend`).
extension TracerSession {
    /// Gives each thread the tracing its debugger needs: line by line while
    /// it steps, and otherwise (while breakpoints or catches exist) only in
    /// code where it may stop; nothing at all when nothing can stop it.
    func retrace() {
        guard state == .active else {
            tracing = .off
            Tracing.apply(tracing)
            return
        }
        threads.prune()
        var plan = TracingPlan()
        (plan.stepping, plan.steppedFrames) = threads.stepping
        if !breakpoints.isEmpty || !catches.isEmpty {
            // The backend holds these closures only while the plan lasts.
            plan.query = BreakpointQuery(
                holdsBreakpoint: { [unowned self] code in codeHoldsBreakpoint(code) },
                mayStop: { [unowned self] code, line in codeMayStop(code, at: line) },
                catchesExceptions: { [unowned self] code in !catches.isEmpty && !codes.info(forCode: code).isSkipped },
                runningCode: { [unowned self] thread in runningCode(of: thread) },
                hasCatches: !catches.isEmpty)
        }
        tracing = plan
        Tracing.apply(plan)
    }

    /// Breakpoints or catches changed: frames already running in files
    /// that now hold one get line events again, and every thread the
    /// tracing the new set needs.
    func breakpointsChanged() {
        for thread in PythonThreads.running where !stops.holds(thread) {
            withTopFrame(of: thread) { top in
                armStack(from: top, of: thread) { breakpoints.hasBreakpoints(inFile: $0.file) }
            }
        }
        retrace()
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
        guard !info.isSkipped, let lines = breakpoints.lines(inFile: info.file) else { return nil }
        return (info, lines)
    }

    /// The code of the frames `thread` is running now, down to its bottom
    /// frame, that holds a breakpoint or catches exceptions.
    private func runningCode(of thread: ThreadPointer) -> [CodePointer] {
        var running: [CodePointer] = []
        let bottom = threads[thread]?.debugger.bottomFrame
        withTopFrame(of: thread) { top in
            var current: PythonFrame? = top
            while let frame = current {
                withExtendedLifetime(frame) {
                    let code = PyFrame_GetCode(frame.pointer)!
                    // The running frame keeps its code alive.
                    qdb_decref(UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self))
                    if codeHoldsBreakpoint(code) || (!catches.isEmpty && !frame.isSkipped) {
                        running.append(code)
                    }
                }
                current = frame == bottom ? nil : frame.back
            }
        }
        return running
    }

    /// Marks `frame` and its callers up to the thread's bottom frame as
    /// traced when `include` says so, so that they deliver line events.
    func armStack(from frame: PythonFrame, of thread: ThreadPointer, include: (PythonFrame) -> Bool) {
        let bottom = threads[thread]?.debugger.bottomFrame
        var current: PythonFrame? = frame
        while let visited = current {
            if !visited.isSkipped && include(visited) {
                visited.markTraced(marker: TraceHook.frameMarker.pointer)
            }
            if visited == bottom { break }
            current = visited.back
        }
    }
}
