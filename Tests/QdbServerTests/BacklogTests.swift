import QdbProtocol
import Testing
@testable import QdbServer

@Suite struct BacklogTests {
    private func output(_ text: String) -> Message {
        Message("print", ["input": "<stdout>", "exc": false, "output": .string(text)])
    }

    @Test func theFirstClientGetsWhatTheTracerSentBeforeItCame() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        #expect(harness.tracerSends(tracer1, Message("watchlist", [])).effects.isEmpty)
        #expect(harness.tracerSends(tracer1, Message("stack")).effects.isEmpty)
        #expect(harness.attachClient(client1).effects == [
            .send(Message("watchlist", []), to: client1),
            .send(Message("stack"), to: client1),
            .send(Message("start", ""), to: tracer1),
        ])
        #expect(harness.attachClient(client2).effects == [.send(Message("start", ""), to: tracer1)])
    }

    @Test func whatNobodyWasThereToReadWaitsForTheNextClient() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        harness.handle(.disconnected(client1))
        harness.tracerSends(tracer1, output("late"))
        #expect(harness.attachClient(client2).effects
            == [.send(output("late"), to: client2), .send(Message("start", ""), to: tracer1)])
    }

    @Test func aboveCapacityTheOldestOutputIsDroppedAndCounted() {
        var harness = StoreHarness { $0.maximumMessageBytes = 100 }
        harness.attachTracer(tracer1)
        harness.tracerSends(tracer1, Message("stack"), byteCount: 30)
        for index in 0..<5 {
            #expect(harness.tracerSends(tracer1, output("\(index)"), byteCount: 20).effects.isEmpty)
        }
        // 130 bytes: prints go, oldest first, down to three quarters.
        let actions = harness.attachClient(client1)
        #expect(actions.reports.contains(.printsDropped(uuid: "u1", count: 2)))
        #expect(actions.effects == [
            .send(Message("stack"), to: client1),
            .send(output("2"), to: client1), .send(output("3"), to: client1), .send(output("4"), to: client1),
            .send(Message("start", ""), to: tracer1),
        ])
    }

    @Test func whenNothingCanBeDroppedTheTracerIsNotReadUntilAClientComes() {
        var harness = StoreHarness { $0.maximumMessageBytes = 100 }
        harness.attachTracer(tracer1)
        #expect(harness.tracerSends(tracer1, Message("stack"), byteCount: 60).isEmpty)
        let full = harness.tracerSends(tracer1, Message("stack"), byteCount: 60)
        #expect(full.effects == [.setReading(tracer1, false)])
        #expect(full.reports == [.backlogFull(uuid: "u1")])
        // What was read meanwhile is kept.
        #expect(harness.tracerSends(tracer1, Message("error"), byteCount: 60).isEmpty)
        #expect(harness.attachClient(client1).effects == [
            .send(Message("stack"), to: client1), .send(Message("stack"), to: client1),
            .send(Message("error"), to: client1), .send(Message("start", ""), to: tracer1),
            .setReading(tracer1, true),
        ])
    }
}
