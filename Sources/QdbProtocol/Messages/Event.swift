/// What clients receive: the tracer's messages and the server's own
/// (`error`, `disable`). A message whose payload has the wrong shape is kept
/// as `.other`, so a client shows it instead of failing.
public enum Event: Hashable, Sendable {
    case stack(Stack)
    case watchlist([WatchEntry])
    case breakpoints([BreakpointInfo])
    case print(PrintOutput)
    case error(ErrorInfo)
    /// A return stop: `str()` of the returned value.
    case returnValue(String)
    case exception(ExceptionInfo)
    case locals(JSONObject)
    case list(String)
    /// The session is over (`p` is null towards clients, the mode towards
    /// the tracer).
    case disable(JSONValue)
    /// The tracer stopped tracing (program end or after `disable`).
    case disabled
    // Extensions (docs/protocol-extensions.md).
    case threads([ThreadSummary])
    /// The exception names `catch` stops at (`anyException` for all).
    case catches([String])
    case stopAllThreads(Bool)
    case stopReasons(Bool)
    case callStops(Bool)
    /// The stop shown ended: the thread numbered so runs on.
    case running(Int)
    /// The numbered breakpoints, by number.
    case breaks([NumberedBreakpoint])
    case breakChanged(BreakpointChangeInfo)
    /// The selected frame's arguments, in order, with their reprs.
    case args([NamedValue])
    /// `repr` of the value the selected frame returned.
    case retval(String)
    case whatis(String)
    case source(SourceLines)
    case display(DisplayInfo)
    case completions(Completions)
    case variables(VariablesReply)
    case other(Message)

    /// The name `catches` lists for `catch` with no class.
    public static let anyException = "*"

    public init(_ message: Message) {
        let payload = message.payload
        let event: Event? = switch message.name {
        case "stack": Stack(json: payload).map(Event.stack)
        case "watchlist": payload.arrayValue.flatMap { list in
            let entries = list.compactMap(WatchEntry.init(json:))
            return entries.count == list.count ? .watchlist(entries) : nil
        }
        case "breakpoints": payload.arrayValue.flatMap { list in
            let entries = list.compactMap(BreakpointInfo.init(json:))
            return entries.count == list.count ? .breakpoints(entries) : nil
        }
        case "print": PrintOutput(json: payload).map(Event.print)
        case "error": ErrorInfo(json: payload).map(Event.error)
        case "return": payload.stringValue.map(Event.returnValue)
        case "exception": ExceptionInfo(json: payload).map(Event.exception)
        case "locals": payload.objectValue.map(Event.locals)
        case "list": payload.stringValue.map(Event.list)
        case "disable": .disable(payload)
        case "disabled": .disabled
        case "threads": payload.arrayValue.flatMap { list in
            let threads = list.compactMap(ThreadSummary.init(json:))
            return threads.count == list.count ? .threads(threads) : nil
        }
        case "catches": payload.arrayValue.flatMap { list in
            let names = list.compactMap(\.stringValue)
            return names.count == list.count ? .catches(names) : nil
        }
        case "stop_all_threads": payload.boolValue.map(Event.stopAllThreads)
        case "stop_reasons": payload.boolValue.map(Event.stopReasons)
        case "call_stops": payload.boolValue.map(Event.callStops)
        case "running": payload["thread"]?.intValue.map(Event.running)
        case "breaks": payload.arrayValue.flatMap { list in
            let entries = list.compactMap(NumberedBreakpoint.init(json:))
            return entries.count == list.count ? .breaks(entries) : nil
        }
        case "break": BreakpointChangeInfo(json: payload).map(Event.breakChanged)
        case "args": payload.arrayValue.flatMap { list in
            let entries = list.compactMap(NamedValue.init(json:))
            return entries.count == list.count ? .args(entries) : nil
        }
        case "retval": payload.stringValue.map(Event.retval)
        case "whatis": payload.stringValue.map(Event.whatis)
        case "source": SourceLines(json: payload).map(Event.source)
        case "display": DisplayInfo(json: payload).map(Event.display)
        case "completions": Completions(json: payload).map(Event.completions)
        case "variables": VariablesReply(json: payload).map(Event.variables)
        default: nil
        }
        self = event ?? .other(message)
    }

    public var message: Message {
        switch self {
        case .stack(let stack): Message("stack", stack.json)
        case .watchlist(let entries): Message("watchlist", .array(entries.map(\.json)))
        case .breakpoints(let entries): Message("breakpoints", .array(entries.map(\.json)))
        case .print(let output): Message("print", output.json)
        case .error(let error): Message("error", error.json)
        case .returnValue(let text): Message("return", .string(text))
        case .exception(let info): Message("exception", info.json)
        case .locals(let locals): Message("locals", .object(locals))
        case .list(let text): Message("list", .string(text))
        case .disable(let mode): Message("disable", mode)
        case .disabled: Message("disabled")
        case .threads(let threads): Message("threads", .array(threads.map(\.json)))
        case .catches(let names): Message("catches", .array(names.map(JSONValue.string)))
        case .stopAllThreads(let on): Message("stop_all_threads", .bool(on))
        case .stopReasons(let on): Message("stop_reasons", .bool(on))
        case .callStops(let on): Message("call_stops", .bool(on))
        case .running(let thread): Message("running", ["thread": JSONValue(thread)])
        case .breaks(let entries): Message("breaks", .array(entries.map(\.json)))
        case .breakChanged(let change): Message("break", change.json)
        case .args(let entries): Message("args", .array(entries.map(\.json)))
        case .retval(let text): Message("retval", .string(text))
        case .whatis(let text): Message("whatis", .string(text))
        case .source(let source): Message("source", source.json)
        case .display(let display): Message("display", display.json)
        case .completions(let completions): Message("completions", completions.json)
        case .variables(let reply): Message("variables", reply.json)
        case .other(let message): message
        }
    }
}
