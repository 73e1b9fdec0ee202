import CPython
import QdbProtocol

/// Everything about the stop being handled: the visible stack with its
/// selected frame (which `up`/`down` move), and for a return or exception
/// stop the event that follows the stack.
struct StopContext {
    var stack: DebugStack<PythonFrame>
    let kind: StopKind
    /// `return` or `exception`, sent after `stack`.
    let event: Event?
    /// The breakpoint that stopped the program, if one did.
    let breakpoint: BreakpointStop?
    /// What the frame returns, at a return stop (pdb's `retval`).
    let returnValue: PythonObject?
    /// That value as pdb shows it after `->`: `reprlib.repr`, which
    /// shortens long values.
    private let shownReturnValue: String?
    /// Where `interact` runs, while this stop lasts.
    var interactNamespace: PythonObject?
    /// Keeps the traceback (and so its frames) alive while the stop lasts.
    private let retained: [PythonObject]

    var selectedFrame: PythonFrame? { stack.selected?.frame }

    /// Why the program stopped, as `stop_reasons` tells clients.
    var reason: StopReason {
        switch kind {
        case .line: breakpoint.map { StopReason(.breakpoint, breakpoint: $0.number) } ?? StopReason(.line)
        case .call: StopReason(.call)
        case .returnValue: StopReason(.return, value: shownReturnValue)
        case .exception: StopReason(.exception)
        case .postMortem: StopReason(.postMortem)
        }
    }

    /// `debugger` is the stopped thread's.
    init(
        at frame: PythonFrame, kind: StopKind, argument: PyPointer?, breakpoint: BreakpointStop?,
        debugger: Debugger<PythonFrame>?
    ) {
        self.kind = kind
        self.breakpoint = breakpoint
        var returnValue: PythonObject?
        var traceback: [StackEntry<PythonFrame>] = []
        var retained: [PythonObject] = []
        switch kind {
        case .line, .call:
            event = nil
        case .returnValue:
            let value = PythonObject(borrowing: argument ?? qdb_none())
            Self.setLocal("__return__", value, in: frame)
            event = .returnValue(value.text)
            returnValue = value
        case .exception, .postMortem:
            let (type, value, tracebackObject) = Self.unpack(argument)
            if let pair = try? PythonObject.tuple([type, value]) {
                Self.setLocal("__exception__", pair, in: frame)
            }
            traceback = Self.entries(of: tracebackObject, codes: frame.codeCache)
            retained = [tracebackObject]
            event = .exception(ExceptionInfo(
                type: (try? type.attribute("__name__").stringValue) ?? value.typeName,
                value: value.text,
                traceback: Self.formatted(tracebackObject)))
        }
        PyErr_Clear()
        self.returnValue = returnValue
        shownReturnValue = returnValue.map { value in
            (try? PythonObject.importModule("reprlib").callMethod("repr", value).stringValue) ?? value.reprText
        }
        PyErr_Clear()
        var stack = (debugger ?? Debugger()).stack(from: frame, traceback: traceback)
        if kind != .postMortem, let (task, waiting) = AsyncioTasks.waitingFrames() {
            let codes = frame.codeCache
            let callers = waiting.map { object in
                let waitingFrame = codes.frame(object.framePointer)
                return StackEntry(frame: waitingFrame, line: waitingFrame.line)
            }
            stack = stack.inserting(callers, above: codes.frame(task.framePointer))
            retained += waiting
        }
        self.retained = retained
        if kind == .postMortem {
            // The frame that raised, or the innermost one shown.
            stack.index = stack.entries.lastIndex { !$0.frame.isSkipped } ?? stack.entries.count - 1
        }
        self.stack = stack.visible
    }

    /// bdb shows `__return__` and `__exception__` among the frame's locals.
    private static func setLocal(_ name: String, _ value: PythonObject, in frame: PythonFrame) {
        try? frame.locals().setItem(name, value)
    }

    private static func unpack(_ argument: PyPointer?) -> (PythonObject, PythonObject, PythonObject) {
        guard let argument, qdb_is_tuple(argument) != 0, PyTuple_Size(argument) == 3 else {
            return (.none, .none, .none)
        }
        let item = { (index: Int) in PythonObject(borrowing: PyTuple_GetItem(argument, index)) }
        return (item(0), item(1), item(2))
    }

    /// The traceback's frames with their lines, outermost first.
    private static func entries(of traceback: PythonObject, codes: CodeInfoCache) -> [StackEntry<PythonFrame>] {
        var entries: [StackEntry<PythonFrame>] = []
        var current = traceback
        while !current.isNone,
              let frame = try? current.attribute("tb_frame"),
              let line = try? current.attribute("tb_lineno").intValue,
              let next = try? current.attribute("tb_next") {
            // The traceback keeps its frames alive, and the stop keeps the
            // traceback.
            let pointer = frame.framePointer
            entries.append(StackEntry(frame: codes.frame(pointer), line: line))
            current = next
        }
        PyErr_Clear()
        return entries
    }

    /// `traceback.format_tb(tb)`: one string per frame.
    private static func formatted(_ traceback: PythonObject) -> [String] {
        guard !traceback.isNone,
              let lines = try? PythonObject.importModule("traceback").callMethod("format_tb", traceback)
        else { return [] }
        return lines.sequenceItems.compactMap(\.stringValue)
    }
}
