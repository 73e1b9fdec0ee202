import NIOCore
import QdbProtocol

/// Serialises outgoing messages into buffers for either link, through one
/// scratch array that is reused from message to message.
struct MessageEncoder {
    private var scratch: [UInt8] = []
    private let allocator = ByteBufferAllocator()

    /// The JSON text alone: the payload of a WebSocket text frame.
    mutating func json(_ message: Message) -> ByteBuffer {
        serialize(message)
        var buffer = allocator.buffer(capacity: scratch.count)
        buffer.writeBytes(scratch)
        return buffer
    }

    /// The length prefix and the JSON text: one frame of the tracer link.
    mutating func tracerFrame(_ message: Message) -> ByteBuffer {
        serialize(message)
        var buffer = allocator.buffer(capacity: TracerFraming.headerBytes + scratch.count)
        buffer.writeInteger(Int32(truncatingIfNeeded: scratch.count))
        buffer.writeBytes(scratch)
        return buffer
    }

    private mutating func serialize(_ message: Message) {
        // One huge message should not pin its size in memory for good.
        if scratch.capacity > 1 << 20 {
            scratch = []
        }
        scratch.removeAll(keepingCapacity: true)
        message.append(to: &scratch)
    }
}
