import QdbProtocol

/// What clients sent while their session had no tracer (their `start`
/// first), in order, for the tracer when it comes: a client that attached
/// before the program started still gets its breakpoints set. A client
/// that leaves takes its messages with it. Nothing here may be dropped, so
/// above `capacity` bytes the session stops reading its clients instead.
struct CommandQueue {
    struct Entry: Equatable {
        var sender: ConnectionID
        var message: Message
        var byteCount: Int
    }

    let capacity: Int
    private(set) var entries: [Entry] = []
    private(set) var byteCount = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    var isOverCapacity: Bool { byteCount > capacity }

    mutating func append(_ message: Message, from sender: ConnectionID, byteCount: Int) {
        entries.append(Entry(sender: sender, message: message, byteCount: byteCount))
        self.byteCount += byteCount
    }

    mutating func removeAll(from sender: ConnectionID) {
        entries.removeAll { $0.sender == sender }
        byteCount = entries.reduce(0) { $0 + $1.byteCount }
    }

    /// Hands over everything queued, oldest first.
    mutating func removeAll() -> [Entry] {
        defer {
            entries = []
            byteCount = 0
        }
        return entries
    }
}
