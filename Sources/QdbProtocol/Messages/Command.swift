/// What a client asks of the tracer. Payloads stay JSON here: checking them
/// (and answering a bad one with the documented error) is the tracer's job.
public enum Command: Hashable, Sendable {
    /// A client attaches (or re-attaches); the payload is its auth message.
    case start(JSONValue)
    case step
    case next
    case until
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
        case "until": .until
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
        case "disable": .disable(payload)
        case "disabled": .disabled
        default: .unknown(message)
        }
    }

    /// The extension commands, by name: what a client explains when an
    /// original tracer says one does not exist.
    public static let extensionNames: Set<String> = ["threads", "thread", "catch", "uncatch", "stop_all_threads"]

    public var message: Message {
        switch self {
        case .start(let auth): Message("start", auth)
        case .step: Message("step")
        case .next: Message("next")
        case .until: Message("until")
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
        case .disable(let mode): Message("disable", mode)
        case .disabled: Message("disabled")
        case .unknown(let message): message
        }
    }
}
