/// What a client asks of the tracer. Payloads stay JSON here: checking them
/// (and answering a bad one with the documented error) is the tracer's job.
public enum Command: Hashable, Sendable {
    /// A client attaches (or re-attaches); the payload is its auth message.
    case start(JSONValue)
    case step
    case next
    /// Null: the original's `until`. A line number: run until a line at
    /// or past it (extension, pdb's `unt N`).
    case until(JSONValue)
    case `return`
    case `continue`
    case eval(JSONValue)
    case pprint(JSONValue)
    case setWatch(JSONValue)
    case clearWatch(JSONValue)
    case setBreak(JSONValue)
    case clearBreak(JSONValue)
    case list(JSONValue)
    case up
    case down
    case locals
    /// Null: the main thread, as in the original. A thread's id: that
    /// thread (extension).
    case pause(JSONValue)
    // Extensions (docs/protocol-extensions.md); an original tracer answers
    // each with "Command NAME does not exist".
    case threads
    case thread(JSONValue)
    case `catch`(JSONValue)
    case uncatch(JSONValue)
    case stopAllThreads(JSONValue)
    /// true: each `stack` that announces a stop says why (key `stop`),
    /// and a `running` event tells when the stop ends.
    case stopReasons(JSONValue)
    /// true: `step` also stops where a function starts (pdb's `--Call--`).
    case callStops(JSONValue)
    case breaks
    case addBreak(JSONValue)
    case deleteBreak(JSONValue)
    case updateBreak(JSONValue)
    case args
    case returnValue
    case whatis(JSONValue)
    /// `{"source": S, "fresh": B}`: a block typed in `interact`.
    case interact(JSONValue)
    case source(JSONValue)
    case display(JSONValue)
    case undisplay(JSONValue)
    case jump(JSONValue)
    case complete(JSONValue)
    case variables(JSONValue)
    case disable(JSONValue)
    /// A client claiming the tracer stopped: the tracer soft-disables, as
    /// the original did.
    case disabled
    /// Anything else, including a client-sent `error` and a non-string `e`.
    case unknown(Message)

    public init(_ message: Message) {
        let payload = message.payload
        self = switch message.name {
        case "start": .start(payload)
        case "step": .step
        case "next": .next
        case "until": .until(payload)
        case "return": .return
        case "continue": .continue
        case "eval": .eval(payload)
        case "pprint": .pprint(payload)
        case "set_watch": .setWatch(payload)
        case "clear_watch": .clearWatch(payload)
        case "set_break": .setBreak(payload)
        case "clear_break": .clearBreak(payload)
        case "list": .list(payload)
        case "up": .up
        case "down": .down
        case "locals": .locals
        case "pause": .pause(payload)
        case "threads": .threads
        case "thread": .thread(payload)
        case "catch": .catch(payload)
        case "uncatch": .uncatch(payload)
        case "stop_all_threads": .stopAllThreads(payload)
        case "stop_reasons": .stopReasons(payload)
        case "call_stops": .callStops(payload)
        case "breaks": .breaks
        case "add_break": .addBreak(payload)
        case "delete_break": .deleteBreak(payload)
        case "update_break": .updateBreak(payload)
        case "args": .args
        case "retval": .returnValue
        case "whatis": .whatis(payload)
        case "interact": .interact(payload)
        case "source": .source(payload)
        case "display": .display(payload)
        case "undisplay": .undisplay(payload)
        case "jump": .jump(payload)
        case "complete": .complete(payload)
        case "variables": .variables(payload)
        case "disable": .disable(payload)
        case "disabled": .disabled
        default: .unknown(message)
        }
    }

    /// The extension commands, by name: what a client explains when an
    /// original tracer says one does not exist.
    public static let extensionNames: Set<String> = [
        "threads", "thread", "catch", "uncatch", "stop_all_threads", "stop_reasons", "call_stops", "breaks", "add_break", "delete_break",
        "update_break", "args", "retval", "whatis", "source", "display", "undisplay", "jump", "complete",
        "variables", "interact",
    ]

    public var message: Message {
        switch self {
        case .start(let auth): Message("start", auth)
        case .step: Message("step")
        case .next: Message("next")
        case .until(let line): Message("until", line)
        case .return: Message("return")
        case .continue: Message("continue")
        case .eval(let source): Message("eval", source)
        case .pprint(let source): Message("pprint", source)
        case .setWatch(let expressions): Message("set_watch", expressions)
        case .clearWatch(let expressions): Message("clear_watch", expressions)
        case .setBreak(let breakpoint): Message("set_break", breakpoint)
        case .clearBreak(let breakpoint): Message("clear_break", breakpoint)
        case .list(let request): Message("list", request)
        case .up: Message("up")
        case .down: Message("down")
        case .locals: Message("locals")
        case .pause(let thread): Message("pause", thread)
        case .threads: Message("threads")
        case .thread(let id): Message("thread", id)
        case .catch(let name): Message("catch", name)
        case .uncatch(let name): Message("uncatch", name)
        case .stopAllThreads(let on): Message("stop_all_threads", on)
        case .stopReasons(let on): Message("stop_reasons", on)
        case .callStops(let on): Message("call_stops", on)
        case .breaks: Message("breaks")
        case .addBreak(let breakpoint): Message("add_break", breakpoint)
        case .deleteBreak(let target): Message("delete_break", target)
        case .updateBreak(let change): Message("update_break", change)
        case .args: Message("args")
        case .returnValue: Message("retval")
        case .whatis(let expression): Message("whatis", expression)
        case .interact(let block): Message("interact", block)
        case .source(let expression): Message("source", expression)
        case .display(let expression): Message("display", expression)
        case .undisplay(let expression): Message("undisplay", expression)
        case .jump(let line): Message("jump", line)
        case .complete(let text): Message("complete", text)
        case .variables(let request): Message("variables", request)
        case .disable(let mode): Message("disable", mode)
        case .disabled: Message("disabled")
        case .unknown(let message): message
        }
    }
}
