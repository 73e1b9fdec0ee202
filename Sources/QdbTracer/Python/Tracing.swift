import CPython

typealias ThreadPointer = UnsafeMutablePointer<PyThreadState>
typealias CodePointer = UnsafeMutablePointer<PyCodeObject>

/// How the debugged thread is traced between two stops.
enum TracingMode: UInt8 {
    /// Nothing traced: no breakpoints, nothing to step.
    case off
    /// Every frame traced: stepping.
    case full
    /// Running to a breakpoint: only code that holds one is traced.
    case selective
}

/// What a tracing backend asks the session while the program runs to its
/// next breakpoint.
struct BreakpointQuery {
    /// Whether frames of this code can stop at a breakpoint.
    var holdsBreakpoint: (CodePointer) -> Bool = { _ in false }
    /// Whether this line of the code can stop: it holds a breakpoint, or
    /// the code's `def` line does (a function breakpoint stops at the
    /// function's first line).
    var mayStop: (CodePointer, Int) -> Bool = { _, _ in false }
    /// The code of the debugged thread's running frames that holds a
    /// breakpoint: those frames started before the backend could see them.
    var runningCode: [CodePointer] = []
}

/// The seam between the session and the CPython version: how a program
/// runs at full speed to its next breakpoint. 3.11 has a PEP 523 frame
/// hook (FrameHook); 3.12+ have PEP 669's sys.monitoring
/// (MonitoringTracing). Stepping uses the C trace function (TraceHook) on
/// every version. Called with the GIL held.
protocol TracingBackend {
    static var mode: TracingMode { get }
    /// Traces `thread` as `mode` says; `query` answers for `selective`.
    static func apply(_ mode: TracingMode, on thread: ThreadPointer, query: BreakpointQuery)
    /// Breakpoints changed: answers cached from `query` are stale.
    static func breakpointsChanged()
}

#if PYTHON_MONITORING
typealias Tracing = MonitoringTracing
#else
typealias Tracing = FrameHook
#endif
