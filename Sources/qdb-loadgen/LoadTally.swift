import Synchronization

/// Counts shared by every connection of the load generator and read by
/// the measurement. Connections add in batches (once per socket read), so
/// the atomics cost little next to the I/O.
final class LoadTally: Sendable {
    /// Text frames received by clients.
    let clientMessages = Atomic<Int>(0)
    /// Their payload bytes.
    let clientBytes = Atomic<Int>(0)
    /// Connections that closed or failed before the measurement ended.
    let failureCount = Atomic<Int>(0)
    private let firstFailure = Mutex<String?>(nil)

    func noteFailure(_ description: String) {
        failureCount.add(1, ordering: .relaxed)
        firstFailure.withLock { first in
            if first == nil {
                first = description
            }
        }
    }

    /// What went wrong first, if anything did.
    var firstFailureDescription: String? {
        firstFailure.withLock { $0 }
    }
}
