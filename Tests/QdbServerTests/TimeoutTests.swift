import QdbProtocol
import Testing
@testable import QdbServer

@Suite struct TimeoutTests {
    @Test func aClientAloneForTheAttachTimeoutIsToldThereIsNoTracer() {
        var harness = StoreHarness { $0.attachTimeout = .seconds(1) }
        harness.attachClient(client1)
        #expect(harness.advance(by: .milliseconds(999)).isEmpty)
        #expect(harness.advance(by: .milliseconds(1)).effects == [
            .send(.error("tracer", "No tracer"), to: client1), .send(Message("disable"), to: client1), .close(client1),
        ])
        #expect(harness.store.sessions.isEmpty)
    }

    @Test func aTracerAloneForTheAttachTimeoutIsToldThereIsNoClient() {
        var harness = StoreHarness {
            $0.attachTimeout = .seconds(1)
            $0.timeoutDisableMode = .hard
        }
        harness.attachTracer(tracer1)
        let actions = harness.advance(by: .seconds(1))
        #expect(actions.effects == [.send(.error("client", "No client"), to: tracer1)] + tracerGoodbye(tracer1, "hard"))
        #expect(actions.reports == [.sessionEnded(uuid: "u1", .noClient)])
        #expect(harness.store.sessions.isEmpty)
    }

    @Test func theOtherSideArrivingInTimeStopsTheAttachTimeout() {
        var harness = StoreHarness { $0.attachTimeout = .seconds(1) }
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        harness.attachClient(client2, uuid: "u2")
        harness.attachTracer(tracer2, uuid: "u2")
        // A client leaving later does not start it again.
        harness.handle(.disconnected(client1))
        #expect(harness.advance(by: .seconds(10)).isEmpty)
        #expect(harness.store.sessions.count == 2)
    }

    @Test(arguments: [nil, Duration.zero])
    func withoutAnAttachTimeoutEitherSideWaitsForever(timeout: Duration?) {
        var harness = StoreHarness { $0.attachTimeout = timeout }
        harness.attachTracer(tracer1)
        harness.attachClient(client1, uuid: "u2")
        #expect(harness.store.nextDeadline == harness.now + .seconds(60))  // the auth timeouts only
        #expect(harness.advance(by: .seconds(86_400)).isEmpty)
        #expect(harness.store.sessions.count == 2)
        #expect(harness.store.nextDeadline == nil)
    }

    @Test func anInactiveSessionIsEndedAtTheNextSweep() {
        var harness = StoreHarness {
            $0.inactivityTimeout = .seconds(600)
            $0.sweepInterval = .seconds(60)
            $0.timeoutDisableMode = .hard
        }
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        harness.attachTracer(tracer2, uuid: "busy")
        for _ in 0..<9 {
            #expect(harness.advance(by: .seconds(60)).isEmpty)
            harness.tracerSends(tracer2, Message("print"))
        }
        // 600 s without a message in u1 once the sweep looks.
        let actions = harness.advance(by: .seconds(60))
        #expect(actions.effects == clientGoodbye(client1) + tracerGoodbye(tracer1, "hard"))
        #expect(actions.reports == [.sessionEnded(uuid: "u1", .inactivity)])
        #expect(harness.store.sessions.keys.sorted() == ["busy"])
    }

    @Test func theSweepRunsOnlyWithAnInactivityTimeout() {
        var harness = StoreHarness { $0.sweepInterval = .seconds(1) }
        harness.attachTracer(tracer1)
        harness.advance(by: .seconds(61))
        #expect(harness.store.nextDeadline == nil)
    }
}
