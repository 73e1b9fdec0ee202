import NIOCore
import QdbProtocol

/// The messages the load generator's tracers send: those of a program
/// stopped in `examples/primes.py`, and of one printing as it runs.
enum LoadMessages {
    static func start(uuid: String) -> Message {
        Message("start", ["uuid": .string(uuid), "auth": "", "local": [0, 0]])
    }

    static let clientStart = Message("start", "")

    static func print(_ output: String) -> Message {
        Message("print", ["input": "<stdout>", "exc": false, "output": .string(output)])
    }

    static let watchlist = Message("watchlist", [["expr": "n", "exc": .null, "value": 29]])

    static let stack = Message("stack", [
        "index": 1,
        "stack": [
            frame(line: 25, function: "<module>", code: "main(int(sys.argv[1]))"),
            frame(line: 18, function: "main", code: "    for n in range(limit):"),
        ],
    ])

    static let breakpoints = Message("breakpoints", [
        ["file": "/home/user/examples/primes.py", "line": 12, "temp": .null, "cond": .null, "func": .null],
    ])

    private static func frame(line: Int, function: String, code: String) -> JSONValue {
        ["file": "/home/user/examples/primes.py", "line": JSONValue(line), "func": .string(function),
         "code": .string(code)]
    }

    /// A tracer's first frames: its start, then its first stop, which the
    /// server keeps for the first client.
    static func greeting(uuid: String) -> ByteBuffer {
        frames([start(uuid: uuid), watchlist, stack])
    }

    /// What a stopped tracer answers every client's `start` with.
    static let startReply = frames([breakpoints, watchlist, stack])


    /// The frames of `messages`, one after the other.
    static func frames(_ messages: [Message]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for message in messages {
            buffer.writeBytes(TracerFraming.frame(message))
        }
        return buffer
    }
}

/// What the tracers send in relay mode, over and over.
enum StreamPayload: String, CaseIterable, Sendable {
    /// Program output only: the smallest messages, the most per second.
    case print
    /// Stepping: a watchlist and a stack at every stop.
    case stop
    /// Six prints, then a stop: a program printing as it is stepped
    /// through.
    case mixed

    var messages: [Message] {
        switch self {
        case .print: [LoadMessages.print("x\n")]
        case .stop: [LoadMessages.watchlist, LoadMessages.stack]
        case .mixed:
            ["29 is prime", "\n", "30", " = ", "2 * 15", "\n"].map(LoadMessages.print)
                + [LoadMessages.watchlist, LoadMessages.stack]
        }
    }

    /// The messages repeated to about `bytes`, framed: one write's worth.
    func batch(ofAbout bytes: Int) -> (buffer: ByteBuffer, messageCount: Int) {
        let cycle = LoadMessages.frames(messages)
        let repeats = max(1, bytes / cycle.readableBytes)
        var buffer = ByteBuffer()
        buffer.reserveCapacity(repeats * cycle.readableBytes)
        for _ in 0..<repeats {
            buffer.writeImmutableBuffer(cycle)
        }
        return (buffer, repeats * messages.count)
    }

    /// The mean size of a message's JSON as clients receive it.
    var meanMessageBytes: Double {
        Double(messages.map { $0.serializedBytes().count }.reduce(0, +)) / Double(messages.count)
    }
}
