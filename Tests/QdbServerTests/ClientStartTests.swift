import QdbProtocol
import Testing
@testable import QdbServer

@Suite struct ClientStartTests {
    @Test func theFirstMessageMustBeAStart() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.handle(.clientConnected(client1, uuid: "u1"))
        #expect(harness.clientSends(client1, Message("step")).effects
            == clientRejection(client1, "First event must be of type: 'start'"))
        #expect(harness.store.sessions["u1"]?.clients == [])
    }

    @Test func theStartPayloadMustEqualTheToken() {
        var harness = StoreHarness { $0.clientAuthToken = "s3cret" }
        harness.attachTracer(tracer1)
        for (id, payload) in [(client1, JSONValue("wrong")), (client2, .null), (client3, JSONValue.array(["s3cret"]))] {
            harness.handle(.clientConnected(id, uuid: "u1"))
            #expect(harness.clientSends(id, Message("start", payload)).effects
                == clientRejection(id, "Authentication failed"), "\(payload)")
        }
        let accepted = ConnectionID(20)
        #expect(harness.attachClient(accepted, auth: "s3cret").effects
            == [.send(Message("start", "s3cret"), to: tracer1)])
    }

    @Test func aMissingPayloadCountsAsEmptyAndIsForwardedAsNull() {
        var harness = StoreHarness { $0.clientAuthToken = "" }
        harness.attachTracer(tracer1)
        harness.handle(.clientConnected(client1, uuid: "u1"))
        #expect(harness.clientSends(client1, Message("start")).effects == [.send(Message("start", .null), to: tracer1)])
    }

    @Test func aFirstMessageThatIsNoMessageGetsTheParseErrorThenTheAuthError() {
        var harness = StoreHarness()
        harness.handle(.clientConnected(client1, uuid: "u1"))
        let reason = "Expecting value: line 1 column 1 (char 0)"
        #expect(harness.handle(.clientSentMalformed(client1, reason: reason)).effects
            == [.send(.error("event", reason), to: client1)] + clientRejection(client1, "No start event received"))
    }

    @Test func nothingWithinTheAuthTimeoutIsNoStart() {
        var harness = StoreHarness { $0.authTimeout = .seconds(5) }
        harness.handle(.clientConnected(client1, uuid: "u1"))
        #expect(harness.advance(by: .milliseconds(4999)).isEmpty)
        #expect(harness.advance(by: .milliseconds(1)).effects == clientRejection(client1, "No start event received"))
    }

    @Test func aClientThatLeavesBeforeItsStartLeavesNoTrace() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.handle(.clientConnected(client1, uuid: "u1"))
        #expect(harness.handle(.disconnected(client1)).isEmpty)
        #expect(harness.tracerSends(tracer1, Message("print")).effects.isEmpty)  // buffered: no client
    }
}
