import QdbProtocol
import Testing
@testable import QdbServer

@Suite struct RoutingTests {
    @Test func everyClientGetsEveryTracerMessageAndTheTracerEveryCommand() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        #expect(harness.attachClient(client1).effects == [.send(Message("start", ""), to: tracer1)])
        #expect(harness.attachClient(client2).effects == [.send(Message("start", ""), to: tracer1)])
        let stack = Message("stack", ["index": 0, "stack": []])
        #expect(harness.tracerSends(tracer1, stack).effects == [.broadcast(stack, to: [client1, client2])])
        #expect(harness.clientSends(client2, Message("step")).effects == [.send(Message("step"), to: tracer1)])
        // The server checks no event names.
        let odd = Message(event: 5, payload: [1])
        #expect(harness.clientSends(client1, odd).effects == [.send(odd, to: tracer1)])
        #expect(harness.tracerSends(tracer1, odd).effects == [.broadcast(odd, to: [client1, client2])])
    }

    @Test func sessionsAreKeptApartByUUID() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1, uuid: "a")
        harness.attachTracer(tracer2, uuid: "b")
        harness.attachClient(client1, uuid: "a")
        harness.attachClient(client2, uuid: "b")
        #expect(harness.tracerSends(tracer2, Message("stack")).effects == [.broadcast(Message("stack"), to: [client2])])
        #expect(harness.clientSends(client1, Message("next")).effects == [.send(Message("next"), to: tracer1)])
    }

    @Test func aClientLeavingTellsTheTracerNothingAndAnotherMayAttach() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        #expect(harness.handle(.disconnected(client1)).effects.isEmpty)
        #expect(harness.store.sessions["u1"]?.tracer?.id == tracer1)
        #expect(harness.attachClient(client2, auth: "again").effects == [.send(Message("start", "again"), to: tracer1)])
    }

    @Test func aClientBeforeItsTracerWaitsAndItsStartAndCommandsFollowTheTracer() {
        var harness = StoreHarness()
        #expect(harness.attachClient(client1, auth: "a").effects.isEmpty)
        #expect(harness.clientSends(client1, Message("set_break", ["line": 3])).effects.isEmpty)
        #expect(harness.attachClient(client2, auth: "b").effects.isEmpty)
        let actions = harness.attachTracer(tracer1)
        #expect(actions.effects == [
            .send(Message("start", "a"), to: tracer1),
            .send(Message("set_break", ["line": 3]), to: tracer1),
            .send(Message("start", "b"), to: tracer1),
        ])
    }

    @Test func aWaitingClientThatLeavesTakesItsCommandsAlong() {
        var harness = StoreHarness()
        harness.attachClient(client1, auth: "a")
        harness.clientSends(client1, Message("continue"))
        harness.attachClient(client2, auth: "b")
        harness.handle(.disconnected(client1))
        #expect(harness.attachTracer(tracer1).effects == [.send(Message("start", "b"), to: tracer1)])
    }

    @Test func aSessionWithNobodyLeftIsForgotten() {
        var harness = StoreHarness()
        harness.attachClient(client1)
        harness.handle(.disconnected(client1))
        #expect(harness.store.sessions.isEmpty)
    }

    @Test func pauseSignalsALocalTracerInsteadOfForwarding() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1, local: (4321, 10))
        harness.attachClient(client1)
        #expect(harness.clientSends(client1, Message("pause")).effects == [.signal(pid: 4321, signal: 10)])
    }

    @Test func pauseIsForwardedToARemoteTracer() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        #expect(harness.clientSends(client1, Message("pause")).effects == [.send(Message("pause"), to: tracer1)])
    }

    @Test func aLocalClaimFromAnotherMachineIsNotBelieved() {
        var harness = StoreHarness()
        let actions = harness.attachTracer(tracer1, local: (1, 9), isLoopback: false)
        #expect(actions.reports == [.tracerAttached(uuid: "u1", isLocal: false)])
        harness.attachClient(client1)
        #expect(harness.clientSends(client1, Message("pause")).effects == [.send(Message("pause"), to: tracer1)])
    }

    @Test func aPauseSentBeforeALocalTracerCameBecomesASignal() {
        var harness = StoreHarness()
        harness.attachClient(client1)
        harness.clientSends(client1, Message("pause"))
        #expect(harness.attachTracer(tracer1, local: (4321, 10)).effects
            == [.send(Message("start", ""), to: tracer1), .signal(pid: 4321, signal: 10)])
    }
}
