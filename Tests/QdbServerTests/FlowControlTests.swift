import QdbProtocol
import Testing
@testable import QdbServer

@Suite struct FlowControlTests {
    @Test func aClientThatFallsBehindHoldsTheTracerBack() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        harness.attachClient(client2)
        #expect(harness.handle(.writabilityChanged(client2, isWritable: false)) == [.setReading(tracer1, false)])
        #expect(harness.handle(.writabilityChanged(client1, isWritable: false)).isEmpty)
        #expect(harness.handle(.writabilityChanged(client2, isWritable: true)).isEmpty)
        #expect(harness.handle(.disconnected(client1)).effects == [.setReading(tracer1, true)])
    }

    @Test func aTracerThatFallsBehindHoldsItsClientsBack() {
        var harness = StoreHarness()
        harness.attachTracer(tracer1)
        harness.attachClient(client1)
        #expect(harness.handle(.writabilityChanged(tracer1, isWritable: false)) == [.setReading(client1, false)])
        #expect(harness.attachClient(client2).effects
            == [.setReading(client2, false), .send(Message("start", ""), to: tracer1)])
        #expect(harness.handle(.writabilityChanged(tracer1, isWritable: true))
            == [.setReading(client1, true), .setReading(client2, true)])
    }

    @Test func clientsWaitingForATracerAreNotReadPastTheQueueCapacity() {
        var harness = StoreHarness { $0.maximumMessageBytes = 100 }
        harness.attachClient(client1)
        #expect(harness.clientSends(client1, Message("step"), byteCount: 90).effects == [.setReading(client1, false)])
        #expect(harness.attachTracer(tracer1).effects == [
            .send(Message("start", ""), to: tracer1), .send(Message("step"), to: tracer1), .setReading(client1, true),
        ])
    }
}
