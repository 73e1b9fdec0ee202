import QdbProtocol

/// What a tracer sent while no client was attached, kept for the next
/// client, which therefore sees the stop that happened before it came.
///
/// Bounded without ever blocking the program: above `capacity` bytes the
/// oldest `print` messages (program output) are dropped. When only other
/// messages are left it stays over capacity, and the session stops reading
/// the tracer until a client attaches.
struct TracerBacklog {
    private struct Entry {
        var message: Message
        var byteCount: Int
    }

    let capacity: Int
    private var entries: [Entry] = []
    private(set) var byteCount = 0
    /// `print` messages dropped since the backlog was last taken.
    private(set) var droppedPrintCount = 0

    init(capacity: Int) {
        self.capacity = capacity
    }

    var isEmpty: Bool { entries.isEmpty }
    var isOverCapacity: Bool { byteCount > capacity }

    mutating func append(_ message: Message, byteCount: Int) {
        entries.append(Entry(message: message, byteCount: byteCount))
        self.byteCount += byteCount
        if isOverCapacity {
            dropOldestPrints()
        }
    }

    /// Hands over everything kept, oldest first, and starts afresh.
    mutating func removeAll() -> (messages: [Message], droppedPrintCount: Int) {
        defer {
            entries = []
            byteCount = 0
            droppedPrintCount = 0
        }
        return (entries.map(\.message), droppedPrintCount)
    }

    /// Drops the oldest prints until a quarter of the capacity is free, not
    /// just enough for the newest message: a chatty program then costs one
    /// pass over the backlog per quarter capacity of output instead of one
    /// per message.
    private mutating func dropOldestPrints() {
        let target = capacity - capacity / 4
        var kept: [Entry] = []
        kept.reserveCapacity(entries.count)
        for entry in entries {
            if byteCount > target, entry.message.name == "print" {
                byteCount -= entry.byteCount
                droppedPrintCount += 1
            } else {
                kept.append(entry)
            }
        }
        entries = kept
    }
}
