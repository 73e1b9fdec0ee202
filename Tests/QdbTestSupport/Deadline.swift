import Foundation

/// A point in time a test will not wait past. Every blocking helper in
/// this module takes one (or a timeout that becomes one), so that a test
/// fails instead of hanging.
public struct Deadline: Sendable {
    public let instant: ContinuousClock.Instant

    public init(seconds: Double) {
        instant = .now + .seconds(seconds)
    }

    public var hasPassed: Bool { ContinuousClock.now >= instant }

    /// Milliseconds left, rounded up, never negative: what `poll(2)` takes.
    public var remainingMilliseconds: Int32 {
        let remaining = instant - .now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }
}

/// Polls `condition` every 10 ms until it holds or `timeout` seconds pass;
/// returns whether it held.
public func waitUntil(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Deadline(seconds: timeout)
    while true {
        if try condition() { return true }
        if deadline.hasPassed { return false }
        usleep(10_000)
    }
}

/// Why a test helper gave up.
public enum TestSupportError: Error, CustomStringConvertible, Equatable {
    case timedOut(String)
    case connectionClosed(String)
    case system(String, errno: Int32)
    case protocolViolation(String)
    case notFound(String)

    public var description: String {
        switch self {
        case .timedOut(let what): "Timed out: \(what)"
        case .connectionClosed(let what): "Connection closed: \(what)"
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .protocolViolation(let what): "Protocol violation: \(what)"
        case .notFound(let what): "Not found: \(what)"
        }
    }
}
