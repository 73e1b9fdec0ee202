/// Payloads of the thread extensions (docs/protocol-extensions.md).

/// `{"id": N, "name": "..."}`: a thread as the tracer numbers it. The main
/// thread is 1; others are numbered as the tracer first sees them.
public struct ThreadInfo: Hashable, Sendable {
    public var id: Int
    public var name: String

    public init(id: Int, name: String) {
        self.id = id
        self.name = name
    }

    public init?(json: JSONValue) {
        guard let id = json["id"]?.intValue, let name = json["name"]?.stringValue else { return nil }
        self.init(id: id, name: name)
    }

    public var json: JSONValue {
        ["id": JSONValue(id), "name": .string(name)]
    }
}

/// One entry of `threads`: `{"id","name","state","frame"}`, `frame` the
/// thread's innermost frame of user code (a `stack` frame), or null.
public struct ThreadSummary: Hashable, Sendable {
    public enum State: String, Hashable, Sendable {
        /// Stopped, and the one the clients' commands act on.
        case selected
        /// Stopped at a breakpoint or a step, its stop not yet shown (or
        /// shown, then another thread was selected).
        case stopped
        /// Held at a line by `stop_all_threads` while another thread stops.
        case parked
        case running
    }

    public var thread: ThreadInfo
    public var state: State
    public var frame: StackFrame?

    public init(thread: ThreadInfo, state: State, frame: StackFrame?) {
        self.thread = thread
        self.state = state
        self.frame = frame
    }

    public init?(json: JSONValue) {
        guard let thread = ThreadInfo(json: json), let state = json["state"]?.stringValue.flatMap(State.init)
        else { return nil }
        self.init(thread: thread, state: state, frame: json["frame"].flatMap(StackFrame.init(json:)))
    }

    public var json: JSONValue {
        [
            "id": JSONValue(thread.id), "name": .string(thread.name), "state": .string(state.rawValue),
            "frame": frame?.json ?? .null,
        ]
    }
}
