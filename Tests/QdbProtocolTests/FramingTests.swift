import Testing
@testable import QdbProtocol

@Suite struct FramingTests {
    @Test func framesCarryABigEndianLength() {
        #expect(TracerFraming.frame([1, 2, 3]) == [0, 0, 0, 3, 1, 2, 3])
        let frame = TracerFraming.frame(Message("step"))
        #expect(Array(frame.prefix(4)) == [0, 0, 0, 24])
        #expect(String(decoding: frame.dropFirst(4), as: UTF8.self) == #"{"e": "step", "p": null}"#)
    }

    @Test func decoderReassemblesFramesSplitAnywhere() throws {
        let stream = TracerFraming.frame(Message("a")) + TracerFraming.frame(Message("b", [1, 2]))
        for split in 0...stream.count {
            var decoder = FrameDecoder()
            var bodies: [[UInt8]] = []
            for chunk in [stream[..<split], stream[split...]] {
                decoder.append(chunk)
                while let body = try decoder.nextFrame() {
                    bodies.append(body)
                }
            }
            #expect(try bodies.map { try Message(bytes: $0) } == [Message("a"), Message("b", [1, 2])])
            #expect(decoder.bufferedByteCount == 0)
        }
    }

    @Test func refusesNegativeAndOversizedLengthsBeforeReadingTheBody() throws {
        var negative = FrameDecoder()
        negative.append([0xFF, 0xFF, 0xFF, 0xFE])
        #expect(throws: FrameError.negativeLength(-2)) { try negative.nextFrame() }

        var oversized = FrameDecoder(maximumFrameBytes: 10)
        oversized.append([0, 0, 0, 11])
        #expect(throws: FrameError.tooLarge(length: 11, maximum: 10)) { try oversized.nextFrame() }

        var atLimit = FrameDecoder(maximumFrameBytes: 3)
        atLimit.append([0, 0, 0, 3, 7, 8, 9])
        #expect(try atLimit.nextFrame() == [7, 8, 9])
    }

    @Test func emptyBodyIsAFrame() throws {
        var decoder = FrameDecoder()
        decoder.append([0, 0, 0, 0])
        #expect(try decoder.nextFrame() == [])
    }
}
