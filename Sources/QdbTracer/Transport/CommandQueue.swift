import QdbProtocol

/// Commands waiting for a stopped program, in arrival order. The reader
/// thread pushes; the program's thread pops, blocking with the GIL
/// released.
final class CommandQueue: Sendable {
    enum Item: Sendable {
        case message(Message)
        /// The connection is gone; nothing more will come.
        case closed
    }

    private let lock = ConditionLock()
    // Guarded by `lock`.
    nonisolated(unsafe) private var items: [Item] = []
    nonisolated(unsafe) private var head = 0

    func push(_ item: Item) {
        lock.withLock {
            items.append(item)
            lock.broadcast()
        }
    }

    /// Takes out the waiting messages `handle` deals with (it returns true
    /// for them), keeping the rest, in order, ahead of anything pushed
    /// meanwhile.
    func removeHandled(by handle: (Message) -> Bool) {
        let waiting = lock.withLock {
            defer {
                items.removeAll(keepingCapacity: true)
                head = 0
            }
            return Array(items[head...])
        }
        let kept = waiting.filter { item in
            guard case .message(let message) = item else { return true }
            return !handle(message)
        }
        lock.withLock {
            items = kept + items
            lock.broadcast()
        }
    }

    /// The next item, waiting as long as it takes.
    func pop() -> Item {
        lock.withLock {
            while head == items.count {
                lock.wait()
            }
            let item = items[head]
            if case .closed = item {
                return item  // stays, so every later pop sees it too
            }
            head += 1
            if head == items.count {
                items.removeAll(keepingCapacity: true)
                head = 0
            }
            return item
        }
    }
}
