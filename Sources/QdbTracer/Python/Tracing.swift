import CPython

typealias ThreadPointer = UnsafeMutablePointer<PyThreadState>
typealias CodePointer = UnsafeMutablePointer<PyCodeObject>

/// What a tracing backend asks the session while threads run to their next
/// breakpoint (or exception catch).
struct BreakpointQuery {
    /// Whether frames of this code can stop at a breakpoint.
    var holdsBreakpoint: (CodePointer) -> Bool = { _ in false }
    /// Whether this line of the code can stop: it holds a breakpoint, or
    /// the code's `def` line does (a function breakpoint stops at the
    /// function's first line).
    var mayStop: (CodePointer, Int) -> Bool = { _, _ in false }
    /// Whether an exception raised in this code may stop (`catch`): there
    /// are catches, and the code is the user's.
    var catchesExceptions: (CodePointer) -> Bool = { _ in false }
    /// The code of a thread's running frames that holds a breakpoint or
    /// catches exceptions: those frames started before the backend could
    /// see them.
    var runningCode: (ThreadPointer) -> [CodePointer] = { _ in [] }
    /// Whether any code catches exceptions.
    var hasCatches = false
}

/// How the program's threads are traced between two stops.
struct TracingPlan {
    /// Threads traced line by line: stepping, or asked to stop at their
    /// next line (pause, stop_all_threads).
    var stepping: [ThreadPointer] = []
    /// Frames stepped on their own (`next`, `until`, `return`), where the
    /// backend can give events to those frames alone: every other frame,
    /// their callees included, runs at full speed.
    var steppedFrames: [SteppedFrames] = []
    /// Set while breakpoints or catches exist: every other thread runs at
    /// full speed, traced only in code where it may stop.
    var query: BreakpointQuery?

    static var off: TracingPlan { TracingPlan() }
}

/// A thread's frames stepped on their own.
struct SteppedFrames: Equatable {
    var thread: ThreadPointer
    var frames: [FramePointer]
}

/// The seam between the session and the CPython version: how threads run
/// at full speed to their next breakpoint. 3.11 has a PEP 523 frame hook
/// (FrameHook); 3.12+ have PEP 669's sys.monitoring (MonitoringTracing).
/// Stepping into anything (`step`, a pause) uses the C trace function
/// (TraceHook) on every version. Called with the GIL held, from any thread.
protocol TracingBackend {
    static func apply(_ plan: TracingPlan)
}

#if PYTHON_MONITORING
typealias Tracing = MonitoringTracing
#else
typealias Tracing = FrameHook
#endif
