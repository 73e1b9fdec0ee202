/// A Python frame as the debugger core sees it. The CPython glue provides
/// real frames (`PythonFrame`); the core's tests provide fakes.
///
/// `==` is identity, Python's `frame is other`.
protocol DebugFrame: Equatable {
    /// The calling frame, nil for the outermost.
    var back: Self? { get }
    /// The line being executed.
    var line: Int { get }
    /// The canonical absolute path of the code's file.
    var file: String { get }
    /// `co_name`: the function name, `<module>` at module level.
    var functionName: String { get }
    /// `co_firstlineno`: the `def` line of a function.
    var firstLine: Int { get }
    /// Generators, coroutines and async generators, which bdb steps out of
    /// differently.
    var isGeneratorLike: Bool { get }
    /// Frames of code the user does not debug (qdb itself, and with
    /// justMyCode the standard library and site-packages): never stopped in,
    /// never shown.
    var isSkipped: Bool { get }
}

/// What kind of exception an `exception` trace event carries; bdb's
/// generator rules single out StopIteration and GeneratorExit.
struct ExceptionKind: Equatable {
    var isStopIteration = false
    var isGeneratorExit = false
    var hasTraceback = true

    static let other = ExceptionKind()
}
