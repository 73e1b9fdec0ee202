import QdbProtocol

/// This client's requests that still wait for their reply, oldest first,
/// and the rules that match a reply to one.
///
/// The protocol carries no request ids, and every client of a session gets
/// every reply: a reply is ours when a request of ours waits for its kind
/// (an eval's reply must also echo our input). A reply of that kind that
/// another client asked for in the meantime can be taken for ours; the
/// protocol gives no way to tell them apart.
struct PendingRequests: Sendable {
    /// Replies that never come (a tracer gone, an original tracer silent)
    /// must not make the queue grow without end.
    static let capacity = 64

    private var requests: [Command] = []

    /// Whether `command` gets a reply, or an error, to wait for. Those that
    /// get neither on success (`set_break`, `pause`, `undisplay`, ...) are
    /// never waited for: nothing would remove them.
    static func expectsReply(_ command: Command) -> Bool {
        !replyNames(of: command).isEmpty
    }

    /// The events that answer `command`.
    private static func replyNames(of command: Command) -> Set<String> {
        switch command {
        case .eval, .pprint, .interact: ["print"]
        case .list: ["list"]
        case .locals: ["locals"]
        case .source: ["source"]
        case .display: ["display"]
        case .args: ["args"]
        case .returnValue: ["retval"]
        case .whatis: ["whatis"]
        case .complete: ["completions"]
        case .breaks: ["breaks"]
        case .addBreak, .deleteBreak, .updateBreak: ["break"]
        case .threads: ["threads"]
        case .catch, .uncatch: ["catches"]
        case .stopAllThreads: ["stop_all_threads"]
        case .stopReasons: ["stop_reasons"]
        case .callStops: ["call_stops"]
        case .variables: ["variables"]
        // The stop they lead to.
        case .step, .next, .until, .return, .continue, .jump, .up, .down, .thread: ["stack"]
        default: []
        }
    }

    mutating func append(_ command: Command) {
        guard Self.expectsReply(command) else { return }
        if requests.count == Self.capacity {
            requests.removeFirst()
        }
        requests.append(command)
    }

    mutating func removeAll() {
        requests.removeAll()
    }

    /// The request `event` (the message `name`) answers, removed from the
    /// queue; nil when none of ours waits for it.
    mutating func take(answeredBy event: Event, named name: String) -> Command? {
        let index: Int?
        switch event {
        case .print(let output):
            // Program output is nobody's reply; an eval's echoes its input.
            guard !output.isProgramOutput else { return nil }
            index = requests.firstIndex { request in
                switch request {
                case .eval(let input), .pprint(let input): input == output.input
                default: false
                }
            }
        case .variables(let reply):
            // Several may wait at once: each reply echoes its request.
            index = requests.firstIndex { $0 == .variables(reply.request) }
        case .display(let display) where display.changedOnly:
            // Shown at a stop, unasked.
            return nil
        case .error(let error):
            index = requests.firstIndex { Self.error(error, answers: $0) }
        default:
            index = requests.firstIndex { Self.replyNames(of: $0).contains(name) }
        }
        return index.map { requests.remove(at: $0) }
    }

    /// An error answers a request of the kind its `type` names, or the
    /// request a tracer refused as unknown.
    private static func error(_ error: ErrorInfo, answers request: Command) -> Bool {
        guard let name = request.message.name else { return false }
        if let unknown = error.unknownCommand {
            return unknown == name
        }
        return error.type == name
    }
}
