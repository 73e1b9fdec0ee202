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
