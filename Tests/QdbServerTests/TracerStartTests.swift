import QdbProtocol
import Testing
@testable import QdbServer

@Suite struct TracerStartTests {
    private func rejection(_ text: String) -> [SessionAction] {
        [.send(.error("auth", text), to: tracer1), .close(tracer1)]
    }

    @Test func aValidStartGetsNoReply() {
        var harness = StoreHarness()
        let actions = harness.attachTracer(tracer1)
        #expect(actions.effects.isEmpty)
        #expect(actions.reports == [.tracerAttached(uuid: "u1", isLocal: false)])
        #expect(harness.store.sessions["u1"]?.tracer?.id == tracer1)
    }

    @Test func theFirstFrameMustBeAStart() {
        var harness = StoreHarness()
        harness.handle(.tracerConnected(tracer1, isLoopback: true))
        #expect(harness.tracerSends(tracer1, Message("hello")).effects == rejection("First event must be of type: 'start'"))
    }

    @Test func aFirstFrameThatIsNoMessageIsNoStart() throws {
        var harness = StoreHarness()
        harness.handle(.tracerConnected(tracer1, isLoopback: true))
        let error = try #require(throws: MessageError.self) { try Message(text: "nope") }
        #expect(harness.handle(.tracerSentMalformed(tracer1, error)).effects
            == rejection("First event must be of type: 'start'"))
        harness.handle(.tracerConnected(tracer2, isLoopback: true))
        #expect(harness.handle(.tracerSentMalformed(tracer2, .missingEvent)).effects
            == [.send(.error("auth", "First event must be of type: 'start'"), to: tracer2), .close(tracer2)])
    }

    @Test func fieldsAreCheckedLocalThenUUIDThenAuth() {
        let cases: [(JSONValue, String)] = [
            (["uuid": "u1", "auth": "bad"], "Missing 'local' field"),
            (["auth": "bad"], "Missing 'local' field"),
            (["local": [0, 0], "auth": "bad"], "Missing 'uuid' field"),
            (["local": [0, 0], "uuid": "u1", "auth": "bad"], "Authentication failed"),
            (["local": [0, 0], "uuid": "u1"], "Authentication failed"),
            (["local": [0, 0], "uuid": "u1", "auth": 5], "Authentication failed"),
        ]
        for (payload, text) in cases {
            var harness = StoreHarness { $0.tracerAuthToken = "s3cret" }
            harness.handle(.tracerConnected(tracer1, isLoopback: true))
            #expect(harness.tracerSends(tracer1, Message("start", payload)).effects == rejection(text), "\(payload)")
            #expect(harness.store.sessions.isEmpty)
        }
    }

    @Test func theRightTokenIsAccepted() {
        var harness = StoreHarness { $0.tracerAuthToken = "s3cret" }
        #expect(harness.attachTracer(tracer1, auth: "s3cret").effects.isEmpty)
        #expect(harness.store.sessions["u1"] != nil)
    }

    @Test func withoutATokenAnyAuthIsAccepted() {
        var harness = StoreHarness()
        harness.handle(.tracerConnected(tracer1, isLoopback: true))
        let start = Message("start", ["uuid": "u1", "local": [0, 0], "auth": ["any": "thing"]])
        #expect(harness.tracerSends(tracer1, start).effects.isEmpty)
    }

    @Test func aSecondTracerForTheSameSessionIsTurnedAway() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.handle(.tracerConnected(tracer2, isLoopback: true))
        #expect(harness.tracerSends(tracer2, tracerStart(uuid: "u1")).effects
            == [.send(.error("auth", "Session u1 already has a tracer"), to: tracer2), .close(tracer2)])
        harness.attachClient(client1)
        #expect(harness.tracerSends(tracer1, Message("stack")).effects == [.broadcast(Message("stack"), to: [client1])])
    }

    @Test func nothingWithinTheAuthTimeoutIsNoStart() {
        var harness = StoreHarness { $0.authTimeout = .seconds(60) }
        harness.handle(.tracerConnected(tracer1, isLoopback: true))
        #expect(harness.store.nextDeadline == harness.now + .seconds(60))
        #expect(harness.advance(by: .seconds(59)).isEmpty)
        #expect(harness.advance(by: .seconds(1)).effects == rejection("No start event received"))
        #expect(harness.store.nextDeadline == nil)
    }

    @Test func aStartInTimeStopsTheAuthTimeout() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        #expect(harness.advance(by: .seconds(3600)).isEmpty)
        #expect(harness.store.sessions["u1"]?.tracer != nil)
    }

    @Test func aRefusedFrameLengthBeforeTheStartIsASocketError() {
        var harness = StoreHarness()
        harness.handle(.tracerConnected(tracer1, isLoopback: true))
        let error = FrameError.negativeLength(-1)
        #expect(harness.handle(.tracerSentBadFrame(tracer1, error)).effects
            == [.send(.error("socket", error.description), to: tracer1), .close(tracer1)])
    }

    @Test func aTracerThatLeavesBeforeItsStartLeavesNoTrace() {
        var harness = StoreHarness()
        harness.handle(.tracerConnected(tracer1, isLoopback: true))
        #expect(harness.handle(.disconnected(tracer1)).isEmpty)
        #expect(harness.advance(by: .seconds(61)).isEmpty)
    }
}
