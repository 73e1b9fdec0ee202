import QdbProtocol

/// What the core decided about a trace event.
enum TraceDecision: Equatable {
    /// Keep going, and keep tracing the frame.
    case proceed
    /// Nothing in this frame can stop it as things stand: it needs no line
    /// events (bdb returns None from `dispatch_call` here).
    case ignoreFrame
    /// Stop and hand control to the user; `breakpoint` when one stopped
    /// the program.
    case stop(StopKind, breakpoint: BreakpointStop? = nil)
}

/// Where debugging that starts (`set_trace`) stops first.
enum FirstStop: Equatable {
    /// Only at breakpoints.
    case none
    /// At the next line or return, in any frame (pdb's `set_trace`).
    case nextEvent
    /// At the next line of the start frame, or where it returns, as `next`
    /// would: the frames it calls run on. For code run inside the program
    /// from elsewhere (`qdb-cli attach --pid`), whose own frames must not
    /// stop.
    case nextLineOfFrame
}

enum StopKind: Equatable {
    case line
    /// A function starts (pdb's `--Call--`).
    case call
    case returnValue
    case exception
    /// An uncaught exception, after its frames finished (pdb's post
    /// mortem): the stack is its traceback's.
    case postMortem
}

/// The debugger core: bdb's semantics on abstract frames, without Python,
/// for one thread. Each debugged thread has its own (where it steps, its
/// bottom frame); the breakpoints are the session's, shared by all.
/// Trace events go in and decisions come out; the user's commands change
/// the stop rule. The CPython glue feeds it real frames, the tests fakes.
struct Debugger<Frame: DebugFrame> {
    private(set) var rule: StopRule<Frame> = .step
    /// bdb's `botframe`: the outermost frame being debugged. Stacks end
    /// there, and `continue` parks the stop rule on it.
    private(set) var bottomFrame: Frame?
    /// The frame of the return stop being handled: bdb turns a `next` or
    /// `until` issued there into a step, once the user has resumed.
    private var returnStopFrame: Frame?

    // MARK: Trace events (bdb's dispatch_*)

    /// A frame starts (or a generator resumes). Never a stop: as in pdb,
    /// a function breakpoint stops at the function's first line. (The
    /// original qdb also checked breakpoints here, where 3.11 reports the
    /// `def` line, so its function breakpoints stopped on the `def`.)
    mutating func call(_ frame: Frame, breakpoints: BreakpointTable) -> TraceDecision {
        guard bottomFrame != nil else {
            // Started without a frame (`start(at: nil)`): the first call's
            // caller becomes the bottom, as bdb's `run` does.
            bottomFrame = frame.back
            return .proceed
        }
        guard rule.stops(in: frame) || breakpoints.hasBreakpoints(inFile: frame.file) else {
            return .ignoreFrame
        }
        return .proceed
    }

    /// Whether stepping stops where `frame` starts (bdb's `user_call`,
    /// pdb's `--Call--`), for a session that asks for call stops. A
    /// generator or coroutine resuming is passed over unless the user
    /// steps (`step`), as in bdb.
    func stopsAtCall(_ frame: Frame) -> Bool {
        rule.stops(in: frame) && !(rule.stopFrame != nil && frame.isGeneratorLike)
    }

    /// A new line is about to run. What the hit changes in `breakpoints` is
    /// for the caller to apply (see `BreakpointTable.hit`).
    func line(
        _ frame: Frame, breakpoints: BreakpointTable, evaluate: (String, Frame) -> ConditionOutcome
    ) -> (TraceDecision, BreakpointChanges) {
        if stepStops(at: frame) {
            return (.stop(.line), BreakpointChanges())
        }
        return Self.breakpointDecision(at: frame, line: frame.line, breakpoints: breakpoints, evaluate: evaluate)
    }

    /// The first half of `line`: whether stepping stops here. Nothing runs
    /// but this.
    func stepStops(at frame: Frame) -> Bool {
        rule.stops(in: frame)
    }

    /// The second half of `line`: whether a breakpoint stops here. Static,
    /// because running a condition runs Python, during which other threads
    /// may change the caller's debugger. `line` is the frame's.
    static func breakpointDecision(
        at frame: Frame, line: Int, breakpoints: BreakpointTable, evaluate: (String, Frame) -> ConditionOutcome
    ) -> (TraceDecision, BreakpointChanges) {
        let (hit, changes) = breakpoints.hit(in: frame, at: line, evaluate: evaluate)
        return (hit.map { .stop(.line, breakpoint: $0) } ?? .proceed, changes)
    }

    /// A frame returns (or a generator yields).
    mutating func returning(_ frame: Frame) -> TraceDecision {
        guard rule.stops(in: frame) || frame == rule.returnFrame else { return .proceed }
        if rule.stopFrame != nil && frame.isGeneratorLike {
            return .proceed
        }
        returnStopFrame = frame
        return .stop(.returnValue)
    }

    /// An exception is raised in, or propagates through, a frame.
    mutating func exception(_ frame: Frame, kind: ExceptionKind) -> TraceDecision {
        if rule.stops(in: frame) {
            // A `yield from` subiterator ends with a traceback-less
            // StopIteration: not worth a stop.
            let internalStop = frame.isGeneratorLike && kind.isStopIteration && !kind.hasTraceback
            return internalStop ? .proceed : .stop(.exception)
        }
        // `return` or a last `next` in a generator: stop where its
        // StopIteration/GeneratorExit surfaces.
        if let stopFrame = rule.stopFrame, stopFrame != frame, stopFrame.isGeneratorLike,
           kind.isStopIteration || kind.isGeneratorExit {
            return .stop(.exception)
        }
        return .proceed
    }

    // MARK: Commands (bdb's set_*)

    /// Starts debugging (bdb's `set_trace`): everything from `frame` out is
    /// debugged, and the first stop is where `stopping` says. With no
    /// frame, the first call decides the bottom.
    mutating func start(at frame: Frame?, stopping: FirstStop) {
        bottomFrame = nil
        returnStopFrame = nil
        var outermost = frame
        while let back = outermost?.back {
            outermost = back
        }
        bottomFrame = outermost
        switch (stopping, frame) {
        case (.none, _): setContinue()
        case (.nextLineOfFrame, let frame?): setNext(frame)
        case (.nextEvent, _), (.nextLineOfFrame, nil): setStep()
        }
    }

    mutating func setStep() {
        resume(with: .step)
    }

    mutating func setNext(_ frame: Frame) {
        resume(with: StopRule(stopFrame: frame, returnFrame: nil, stopLine: 0))
    }

    mutating func setReturn(_ frame: Frame) {
        if frame.isGeneratorLike {
            resume(with: StopRule(stopFrame: frame, returnFrame: nil, stopLine: -1))
        } else {
            resume(with: StopRule(stopFrame: frame.back, returnFrame: frame, stopLine: 0))
        }
    }

    mutating func setUntil(_ frame: Frame, line: Int? = nil) {
        resume(with: StopRule(stopFrame: frame, returnFrame: frame, stopLine: line ?? frame.line + 1))
    }

    /// Runs to the next breakpoint.
    mutating func setContinue() {
        resume(with: .continuing(from: bottomFrame))
    }

    /// The frames whose own events (lines, returns, exceptions) decide
    /// where stepping stops: `next` and `until`'s frame, `return`'s frame
    /// and its caller. Nil when it may stop in any frame (`step`), or
    /// where a generator is stepped (its caller may stop too).
    var steppedFrames: [Frame]? {
        guard !isContinuing, let stopFrame = rule.stopFrame, !stopFrame.isGeneratorLike else { return nil }
        return [stopFrame] + (rule.returnFrame.map { [$0] } ?? [])
    }

    /// Whether only breakpoints can stop this thread: its frames need no
    /// line events of their own.
    var isContinuing: Bool {
        rule == .continuing(from: bottomFrame)
    }

    private mutating func resume(with rule: StopRule<Frame>) {
        self.rule = rule
        guard let frame = returnStopFrame else { return }
        returnStopFrame = nil
        if frame == bottomFrame {
            // The debugged code is over: stepping on would wander into the
            // interpreter's shutdown. Only breakpoints stop from here.
            self.rule = .continuing(from: bottomFrame)
        } else if rule.stopFrame == frame && rule.stopLine != -1 {
            self.rule = .step
        }
    }

    /// The frames the core refers to, which the glue must keep alive so
    /// that identity comparisons never match a recycled frame.
    var referencedFrames: [Frame] {
        [rule.stopFrame, rule.returnFrame, bottomFrame, returnStopFrame].compactMap { $0 }
    }

    // MARK: Stacks

    /// bdb's `get_stack`: frames from the bottom frame in to `frame`, then
    /// the traceback's deeper frames (at an exception stop); the selected
    /// entry is `frame`'s.
    func stack(from frame: Frame, traceback: [StackEntry<Frame>] = []) -> DebugStack<Frame> {
        var entries: [StackEntry<Frame>] = []
        var current: Frame? = frame
        while let visited = current {
            entries.append(StackEntry(frame: visited, line: visited.line))
            if visited == bottomFrame { break }
            current = visited.back
        }
        entries.reverse()
        var index = max(0, entries.count - 1)
        if current == nil {
            index = max(0, entries.count + deeper(traceback, than: frame).count - 1)
        }
        entries += deeper(traceback, than: frame)
        return DebugStack(entries: entries, index: index)
    }

    private func deeper(_ traceback: [StackEntry<Frame>], than frame: Frame) -> ArraySlice<StackEntry<Frame>> {
        traceback.first?.frame == frame ? traceback.dropFirst() : traceback[...]
    }
}

struct StackEntry<Frame: DebugFrame>: Equatable {
    var frame: Frame
    var line: Int
}

/// A stack with a selected entry (`up`/`down` move it).
struct DebugStack<Frame: DebugFrame>: Equatable {
    var entries: [StackEntry<Frame>]
    var index: Int

    /// The stack the user sees: skipped frames left out, the index moved to
    /// keep pointing at the same frame.
    var visible: DebugStack {
        var kept: [StackEntry<Frame>] = []
        var keptIndex = index
        for (position, entry) in entries.enumerated() {
            if entry.frame.isSkipped {
                if position < index { keptIndex -= 1 }
            } else {
                kept.append(entry)
            }
        }
        return DebugStack(entries: kept, index: max(0, min(keptIndex, kept.count - 1)))
    }

    /// The stack with `callers` shown as the callers of `frame`: the
    /// coroutines waiting on an asyncio task, above the task's outermost
    /// frame (whose real caller, the event loop, stays where it is).
    func inserting(_ callers: [StackEntry<Frame>], above frame: Frame) -> DebugStack {
        guard let position = entries.firstIndex(where: { $0.frame == frame }) else { return self }
        var entries = entries
        entries.insert(contentsOf: callers, at: position)
        return DebugStack(entries: entries, index: index >= position ? index + callers.count : index)
    }

    var selected: StackEntry<Frame>? {
        entries.indices.contains(index) ? entries[index] : nil
    }
}
