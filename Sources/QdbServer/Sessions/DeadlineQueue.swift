/// Connections with a deadline, in the order the deadlines come due.
///
/// Every deadline of one queue is "now + the same timeout" and `now` never
/// goes back, so deadlines are added in order and a FIFO does what a
/// priority queue would, in constant time. Entries stay when their
/// connection moves on; the store checks each one as it comes due.
struct DeadlineQueue {
    private var entries: [(deadline: ContinuousClock.Instant, id: ConnectionID)] = []
    private var head = 0

    /// The earliest deadline, if any.
    var next: ContinuousClock.Instant? {
        head < entries.count ? entries[head].deadline : nil
    }

    mutating func add(_ id: ConnectionID, dueAt deadline: ContinuousClock.Instant) {
        assert(entries.last.map { $0.deadline <= deadline } ?? true, "deadlines must be added in order")
        entries.append((deadline, id))
    }

    /// Takes the earliest entry if it is due at `now`.
    mutating func popDue(at now: ContinuousClock.Instant) -> ConnectionID? {
        guard head < entries.count, entries[head].deadline <= now else { return nil }
        let id = entries[head].id
        head += 1
        if head == entries.count {
            entries.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= entries.count {
            entries.removeFirst(head)
            head = 0
        }
        return id
    }
}
