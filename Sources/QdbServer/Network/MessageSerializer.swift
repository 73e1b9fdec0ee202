import QdbProtocol

/// Serialises outgoing messages into one scratch array that is reused from
/// message to message; each connection then frames the bytes for its link
/// (`OutgoingFrames`).
struct MessageSerializer {
    private var scratch: [UInt8] = []

    /// The JSON text of `message`, valid until the next call.
    mutating func json(_ message: Message) -> [UInt8] {
        // One huge message should not pin its size in memory for good.
        if scratch.capacity > 1 << 20 {
            scratch = []
        }
        scratch.removeAll(keepingCapacity: true)
        message.append(to: &scratch)
        return scratch
    }
}
