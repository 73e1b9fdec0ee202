import QdbDAP
import QdbProtocol
import Testing

struct DAPFramingTests {
    @Test func framesRoundTripInPiecesAndTogether() throws {
        let first: JSONValue = ["seq": 1, "type": "request", "command": "initialize"]
        let second: JSONValue = ["seq": 2, "type": "request", "command": "launch", "arguments": ["program": "é.py"]]
        let bytes = DAPFraming.frame(first) + DAPFraming.frame(second)
        var reader = DAPFrameReader()
        var frames: [DAPFrame] = []
        for byte in bytes {
            reader.append([byte])
            while let frame = try reader.next() {
                frames.append(frame)
            }
        }
        #expect(frames == [.message(first), .message(second)])
        #expect(DAPRequest(json: second) == DAPRequest(seq: 2, command: "launch", arguments: ["program": "é.py"]))
    }

    @Test func otherHeaderFieldsAreIgnoredAndBadBodiesSkipped() throws {
        var reader = DAPFrameReader()
        reader.append(Array("Content-Type: application/json\r\ncontent-length: 3\r\n\r\n[1]".utf8))
        reader.append(Array("Content-Length: 5\r\n\r\n{nope".utf8))
        reader.append(Array("Content-Length: 2\r\n\r\n{}".utf8))
        #expect(try reader.next() == .malformed("a DAP message must be a JSON object"))
        guard case .malformed(let reason)? = try reader.next() else {
            Issue.record("invalid JSON was not reported")
            return
        }
        #expect(reason.hasPrefix("invalid JSON"))
        #expect(try reader.next() == .message([:]))
        #expect(try reader.next() == nil)
    }

    @Test(arguments: [
        ("Content-Length: x\r\n\r\n", DAPFramingError.badHeader("Content-Length 'x' is not a length")),
        ("Content-Length: 99999999999\r\n\r\n", DAPFramingError.tooLarge(99_999_999_999)),
        ("Content-Type: json\r\n\r\n", DAPFramingError.badHeader("no Content-Length")),
    ])
    func unusableHeadersEndTheStream(header: String, error: DAPFramingError) {
        var reader = DAPFrameReader()
        reader.append(Array(header.utf8))
        #expect(throws: error) { try reader.next() }
    }

    @Test func aHeaderWithoutEndIsRefusedOnceTooLong() {
        var reader = DAPFrameReader()
        reader.append(Array(repeating: UInt8(ascii: "a"), count: 2000))
        #expect(throws: DAPFramingError.badHeader("no end of header in 2000 bytes")) { try reader.next() }
    }
}
