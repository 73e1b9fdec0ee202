import Glibc

/// A mutex with a condition variable (pthreads): what a thread needs to
/// wait for another, which Swift's `Mutex` does not offer.
///
/// `@unchecked Sendable`: the pthread objects are heap-allocated once,
/// never moved, and only used through pthread calls, which are thread-safe;
/// the state each user guards is only touched inside `withLock`.
final class ConditionLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        condition.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Inside `withLock`: waits until signalled (spurious wake-ups included,
    /// so callers loop on their condition).
    func wait() {
        pthread_cond_wait(condition, mutex)
    }

    /// Inside `withLock`: waits until signalled or until `deadline`
    /// (a `Deadline`); returns false on timeout.
    func wait(until deadline: Deadline) -> Bool {
        var time = deadline.timespec
        return pthread_cond_timedwait(condition, mutex, &time) == 0
    }

    func broadcast() {
        pthread_cond_broadcast(condition)
    }
}

/// A point in monotonic time.
struct Deadline: Comparable {
    let nanoseconds: UInt64

    static var now: Deadline {
        var time = Glibc.timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Deadline(nanoseconds: UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec))
    }

    static func after(seconds: Double) -> Deadline {
        Deadline(nanoseconds: now.nanoseconds + UInt64(max(0, seconds) * 1e9))
    }

    var timespec: Glibc.timespec {
        Glibc.timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }

    static func < (lhs: Deadline, rhs: Deadline) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }
}

/// Starts a detached-from-Swift-concurrency OS thread running `body`.
/// Returns the thread so the caller can join it.
func startThread(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let context = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(&thread, nil, { context in
        let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
        box.body()
        return nil
    }, context)
    guard result == 0 else {
        Unmanaged<Box>.fromOpaque(context).release()
        return nil
    }
    return thread
}
