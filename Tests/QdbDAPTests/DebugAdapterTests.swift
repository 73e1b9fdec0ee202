import QdbClientSession
import QdbDAP
import QdbProtocol
import Testing

/// The adapter's rules in memory, where a real tracer cannot take us: an
/// original qdb tracer, which has none of the extensions.
struct DebugAdapterTests {
    private var adapter = DebugAdapter()
    private var seq = 0

    private mutating func request(_ command: String, _ arguments: JSONValue = [:]) -> [DebugAdapter.Action] {
        seq += 1
        return adapter.handle(.request(DAPRequest(seq: seq, command: command, arguments: arguments)))
    }

    private mutating func tracer(_ name: String, _ payload: JSONValue = .null) -> [DebugAdapter.Action] {
        adapter.handle(.connection(.message(Message(name, payload))))
    }

    private static func sent(_ actions: [DebugAdapter.Action]) -> [String] {
        actions.compactMap { if case .sendToServer(let message) = $0 { message.name } else { nil } }
    }

    private static func editor(_ actions: [DebugAdapter.Action]) -> [JSONValue] {
        actions.compactMap { if case .send(let message) = $0 { message.json(seq: 0) } else { nil } }
    }

    private static func unknown(_ name: String) -> JSONValue {
        ["type": "event", "data": .string("Command \(name) does not exist")]
    }

    private static let frame: JSONValue = ["file": "/app.py", "line": 3, "func": "<module>", "code": "x = 1"]

    /// Attached to an original tracer stopped at /app.py:3, configured.
    private mutating func attachToOriginalTracer() {
        _ = request("initialize")
        let attach = request("attach", ["url": "ws://127.0.0.1:1/{uuid}", "uuid": "u"])
        guard case .attach(let configuration)? = attach.first else {
            Issue.record("attach did not attach: \(attach)")
            return
        }
        #expect(configuration.uuid == "u")
        let connected = adapter.handle(.connected(address: "ws://127.0.0.1:1/u", authMessage: ""))
        #expect(Self.sent(connected) == ["start", "stop_reasons"])
        _ = tracer("breakpoints", [])
        _ = tracer("watchlist", [])
        _ = tracer("stack", ["index": 0, "stack": [Self.frame]])
        _ = tracer("error", Self.unknown("stop_reasons"))
        let configured = request("configurationDone")
        #expect(Self.editor(configured).last?["body"]?["reason"] == "pause")
    }

    @Test mutating func breakpointsGoTheOriginalWayAndStand() {
        attachToOriginalTracer()
        let set = request("setBreakpoints", ["source": ["path": "/app.py"], "breakpoints": [["line": 5]]])
        #expect(Self.sent(set) == ["add_break"])
        let refused = tracer("error", Self.unknown("add_break"))
        #expect(Self.sent(refused) == ["set_break"])
        #expect(Self.editor(refused).first?["body"] == ["breakpoints": [["verified": true, "line": 5]]])
        // From now on, straight to the original's commands.
        let again = request("setBreakpoints", ["source": ["path": "/app.py"], "breakpoints": [["line": 6]]])
        #expect(Self.sent(again) == ["clear_break", "set_break"])
        #expect(Self.editor(again).first?["body"] == ["breakpoints": [["verified": true, "line": 6]]])
    }

    @Test mutating func stopsAreToldFromWhatWasAsked() {
        attachToOriginalTracer()
        let stepped = request("next", ["threadId": 1])
        #expect(Self.sent(stepped) == ["next"])
        _ = tracer("watchlist", [])
        let stop = tracer("stack", ["index": 0, "stack": [Self.frame]])
        #expect(Self.editor(stop).first?["body"]?["reason"] == "step")
        _ = request("continue", ["threadId": 1])
        let hit = tracer("stack", ["index": 0, "stack": [Self.frame]])
        #expect(Self.editor(hit).first?["body"]?["reason"] == "breakpoint")
    }

    @Test mutating func threadsAndVariablesFallBackToWhatTheOriginalHas() {
        attachToOriginalTracer()
        _ = request("threads")
        let threads = tracer("error", Self.unknown("threads"))
        #expect(Self.editor(threads).first?["body"] == ["threads": [["id": 1, "name": "MainThread"]]])
        let scopes = Self.editor(request("scopes", ["frameId": 1])).first?["body"]?["scopes"]?.arrayValue ?? []
        #expect(scopes.map { $0["name"] } == ["Locals"])
        let asked = request("variables", ["variablesReference": scopes.first?["variablesReference"] ?? 0])
        #expect(Self.sent(asked) == ["locals"])
        let locals = tracer("locals", ["x": "1"])
        #expect(Self.editor(locals).first?["body"] == ["variables": [["name": "x", "value": "1", "variablesReference": 0]]])
    }

    @Test mutating func theEndIsToldOnce() {
        attachToOriginalTracer()
        let ended = adapter.handle(.connection(.closed(.connectionDropped)))
        #expect(ended.last == .awaitProgramExit)
        let exited = adapter.handle(.programExited(nil))
        #expect(Self.editor(exited).map { $0["event"] } == ["terminated"])
        #expect(exited.last == .exit)
    }
}
