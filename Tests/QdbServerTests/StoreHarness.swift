import QdbProtocol
@testable import QdbServer

/// Drives a `SessionStore` with a fake clock: each call returns the
/// actions of one event.
struct StoreHarness {
    var store: SessionStore
    var now: ContinuousClock.Instant

    init(_ configure: (inout ServerConfiguration) -> Void = { _ in }) {
        var configuration = ServerConfiguration()
        configure(&configuration)
        now = .now
        store = SessionStore(configuration: configuration, now: now)
    }

    @discardableResult
    mutating func handle(_ event: SessionEvent) -> [SessionAction] {
        var actions: [SessionAction] = []
        store.handle(event, at: now, into: &actions)
        return actions
    }

    /// Moves the clock and lets deadlines come due.
    @discardableResult
    mutating func advance(by duration: Duration) -> [SessionAction] {
        now += duration
        return handle(.clockAdvanced)
    }

    /// A tracer that connected and sent a valid start.
    @discardableResult
    mutating func attachTracer(
        _ id: ConnectionID, uuid: String = "u1", auth: String = "", local: (Int32, Int32) = (0, 0),
        isLoopback: Bool = true
    ) -> [SessionAction] {
        handle(.tracerConnected(id, isLoopback: isLoopback))
        return handle(.tracerSent(id, tracerStart(uuid: uuid, auth: auth, local: local), byteCount: 60))
    }

    /// A client that connected and sent a valid start.
    @discardableResult
    mutating func attachClient(_ id: ConnectionID, uuid: String = "u1", auth: JSONValue = "") -> [SessionAction] {
        handle(.clientConnected(id, uuid: uuid))
        return handle(.clientSent(id, Message("start", auth), byteCount: 20))
    }

    @discardableResult
    mutating func tracerSends(_ id: ConnectionID, _ message: Message, byteCount: Int = 20) -> [SessionAction] {
        handle(.tracerSent(id, message, byteCount: byteCount))
    }

    @discardableResult
    mutating func clientSends(_ id: ConnectionID, _ message: Message, byteCount: Int = 20) -> [SessionAction] {
        handle(.clientSent(id, message, byteCount: byteCount))
    }
}

func tracerStart(uuid: String, auth: String = "", local: (Int32, Int32) = (0, 0)) -> Message {
    Message("start", ["uuid": .string(uuid), "auth": .string(auth), "local": [JSONValue(Int(local.0)), JSONValue(Int(local.1))]])
}

let tracer1 = ConnectionID(1)
let tracer2 = ConnectionID(2)
let client1 = ConnectionID(11)
let client2 = ConnectionID(12)
let client3 = ConnectionID(13)

extension Array where Element == SessionAction {
    /// The actions that do something (reports only inform).
    var effects: [SessionAction] {
        filter { if case .report = $0 { false } else { true } }
    }

    var reports: [SessionReport] {
        compactMap { if case .report(let report) = $0 { report } else { nil } }
    }
}

/// What a rejected client gets before its close.
func clientRejection(_ id: ConnectionID, _ text: String) -> [SessionAction] {
    [.send(.error("auth", text), to: id), .send(Message("disable"), to: id), .close(id)]
}

/// What a client of an ending session gets.
func clientGoodbye(_ id: ConnectionID) -> [SessionAction] {
    [.send(Message("disable"), to: id), .close(id)]
}

/// What a tracer of an ending session gets.
func tracerGoodbye(_ id: ConnectionID, _ mode: String = "soft") -> [SessionAction] {
    [.send(Message("disable", .string(mode)), to: id), .close(id)]
}
