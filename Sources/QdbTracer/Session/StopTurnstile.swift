/// Where stopped threads wait their turn, with the GIL released: a thread
/// notes `current` (GIL held), lets go of the GIL, and waits until someone
/// calls `advance` (GIL held) after changing who is selected. Since both
/// happen under the GIL, a change made after the note always wakes it.
final class StopTurnstile {
    private let lock = ConditionLock()
    /// Guarded by `lock`.
    private var generation = 0

    var current: Int {
        lock.withLock { generation }
    }

    func advance() {
        lock.withLock {
            generation += 1
            lock.broadcast()
        }
    }

    func wait(past seen: Int) {
        lock.withLock {
            while generation == seen {
                lock.wait()
            }
        }
    }
}
