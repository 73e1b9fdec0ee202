import NIOCore
import NIOWebSocket
import QdbProtocol

/// The frames written to one connection since its last flush, gathered in
/// a single buffer: a tracer that sends a burst of messages then costs each
/// client one allocation and one socket write per burst, not one of each
/// per message. The buffer is handed over at the flush, so an idle
/// connection holds none.
///
/// Public for qdb-loadgen's reference relay, which frames the same way so
/// that the two relays differ only in routing.
public struct OutgoingFrames {
    private var buffer: ByteBuffer?

    public init() {}

    /// A tracer frame: the 4-byte big-endian length, then `json`.
    mutating func appendTracerFrame(_ json: [UInt8]) {
        append(reserving: TracerFraming.headerBytes + json.count) { buffer in
            buffer.writeInteger(Int32(truncatingIfNeeded: json.count))
            buffer.writeBytes(json)
        }
    }

    /// A WebSocket frame as a server sends it: final and unmasked.
    public mutating func appendWebSocketFrame(_ opcode: WebSocketOpcode, payload: some Collection<UInt8>) {
        append(reserving: Self.maximumWebSocketHeaderBytes + payload.count) { buffer in
            buffer.writeInteger(0x80 | UInt8(webSocketOpcode: opcode))  // FIN, no extensions
            switch payload.count {
            case ..<126:
                buffer.writeInteger(UInt8(payload.count))
            case ...Int(UInt16.max):
                buffer.writeInteger(UInt8(126))
                buffer.writeInteger(UInt16(payload.count))
            default:
                buffer.writeInteger(UInt8(127))
                buffer.writeInteger(UInt64(payload.count))
            }
            buffer.writeBytes(payload)
        }
    }

    /// Everything appended since the last call, if anything was.
    public mutating func take() -> ByteBuffer? {
        defer { buffer = nil }
        return buffer
    }

    private static let maximumWebSocketHeaderBytes = 10

    /// Appends to the buffer, making one of `bytes` for the first frame: a
    /// lone message (the usual case between stops) then takes just its
    /// size, while a burst grows the buffer as it comes.
    private mutating func append(reserving bytes: Int, _ write: (inout ByteBuffer) -> Void) {
        if buffer == nil {
            buffer = ByteBufferAllocator().buffer(capacity: bytes)
        }
        write(&buffer!)
    }
}
