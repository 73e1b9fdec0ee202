/// One connection as the session store knows it: a tracer's TCP link or a
/// client's WebSocket. The network layer numbers connections as it accepts
/// them and never reuses a number, so a late event about a closed
/// connection cannot be mistaken for one about a newer connection.
struct ConnectionID: Hashable, Sendable, CustomStringConvertible {
    let rawValue: UInt64

    init(_ rawValue: UInt64) {
        self.rawValue = rawValue
    }

    var description: String { "#\(rawValue)" }
}
