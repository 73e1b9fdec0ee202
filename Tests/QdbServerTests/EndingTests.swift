import QdbProtocol
import Testing
@testable import QdbServer

@Suite struct EndingTests {
    private func sessionWithTwoClients() -> StoreHarness {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        harness.attachClient(client2)
        return harness
    }

    @Test func disabledFromTheTracerEndsTheSession() {
        var harness = sessionWithTwoClients()
        let actions = harness.tracerSends(tracer1, Message("disabled"))
        #expect(actions.effects == clientGoodbye(client1) + clientGoodbye(client2) + tracerGoodbye(tracer1))
        #expect(actions.reports == [.sessionEnded(uuid: "u1", .tracerDisabled)])
        #expect(harness.store.sessions.isEmpty)
        // The uuid is free again, and the old connections are forgotten.
        #expect(harness.handle(.disconnected(tracer1)).isEmpty)
        #expect(harness.attachTracer(tracer2).effects.isEmpty)
    }

    @Test func theTracerDisconnectingIsASocketErrorForItsClients() {
        var harness = sessionWithTwoClients()
        let error = Message.error("socket", "The tracer disconnected")
        #expect(harness.handle(.disconnected(tracer1)).effects == [
            .send(error, to: client1), .send(Message("disable"), to: client1), .close(client1),
            .send(error, to: client2), .send(Message("disable"), to: client2), .close(client2),
        ])
    }

    @Test func invalidJSONFromTheTracerIsASocketError() throws {
        var harness = sessionWithTwoClients()
        let error = try #require(throws: MessageError.self) { try Message(text: "{not json") }
        let text = error.description
        #expect(text == "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")
        #expect(harness.handle(.tracerSentMalformed(tracer1, error)).effects == [
            .send(.error("socket", text), to: client1), .send(Message("disable"), to: client1), .close(client1),
            .send(.error("socket", text), to: client2), .send(Message("disable"), to: client2), .close(client2),
        ] + tracerGoodbye(tracer1))
    }

    @Test func aTracerMessageWithoutAnEventIsAnEventError() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        #expect(harness.handle(.tracerSentMalformed(tracer1, .missingEvent)).effects
            == [.send(.error("event", "No 'e' field sent"), to: client1)] + clientGoodbye(client1) + tracerGoodbye(tracer1))
    }

    @Test func aRefusedFrameLengthEndsTheSessionWithASocketError() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        let error = FrameError.tooLarge(length: 20_000_000, maximum: 16_777_216)
        #expect(harness.handle(.tracerSentBadFrame(tracer1, error)).effects == [
            .send(.error("socket", error.description), to: tracer1),
            .send(.error("socket", error.description), to: client1),
        ] + clientGoodbye(client1) + tracerGoodbye(tracer1))
    }

    @Test func aMalformedClientMessageClosesThatClientAlone() {
        var harness = sessionWithTwoClients()
        let reason = "Expecting value: line 1 column 1 (char 0)"
        #expect(harness.handle(.clientSentMalformed(client1, reason: reason)).effects
            == [.send(.error("event", reason), to: client1), .close(client1)])
        #expect(harness.tracerSends(tracer1, Message("stack")).effects == [.broadcast(Message("stack"), to: [client2])])
        #expect(harness.clientSends(client1, Message("step")).isEmpty)
    }

    @Test func shutdownEndsEverySessionAndClosesEveryConnection() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        harness.attachClient(client2, uuid: "waiting")
        harness.handle(.clientConnected(client3, uuid: "u1"))
        let actions = harness.handle(.shutdown)
        #expect(actions.effects == clientGoodbye(client1) + tracerGoodbye(tracer1) + clientGoodbye(client2) + [.close(client3)])
        #expect(harness.store.sessions.isEmpty)
        #expect(harness.handle(.tracerConnected(tracer2, isLoopback: true)).effects == [.close(tracer2)])
        #expect(harness.advance(by: .seconds(120)).isEmpty)
    }
}
