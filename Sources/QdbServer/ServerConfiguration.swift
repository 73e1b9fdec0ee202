import QdbProtocol

/// Everything a qdb server can be told. The defaults are those of the
/// original `python -m qdb.server`, except that both hosts are loopback
/// and the sweep runs every minute (the original's 60 was meant as minutes
/// but ran as seconds).
public struct ServerConfiguration: Sendable {
    /// Where tracers (the programs being debugged) connect.
    public var tracerHost = "127.0.0.1"
    /// 0 binds an ephemeral port; `QdbServer.tracerPort` tells which.
    public var tracerPort = 8001
    /// Where clients (debugger front ends) connect with a WebSocket.
    public var clientHost = "127.0.0.1"
    /// 0 binds an ephemeral port; `QdbServer.clientPort` tells which.
    public var clientPort = 8002
    /// A regular expression matched case-insensitively at the start of a
    /// client's request path; its one capture group is the session uuid.
    public var route = ServerConfiguration.defaultRoute
    /// How long a new connection may take to send a valid `start`.
    public var authTimeout: Duration = .seconds(60)
    /// A session with no message either way for this long is ended; nil
    /// means never.
    public var inactivityTimeout: Duration?
    /// How long one side of a session waits for the other: a client for
    /// its tracer, a tracer for its first client. nil waits forever; zero
    /// allows orphans, which waits forever too (the server buffers).
    public var attachTimeout: Duration?
    /// How often sessions are checked against `inactivityTimeout`.
    public var sweepInterval: Duration = .seconds(60)
    /// The `disable` mode a tracer is sent when its session times out.
    public var timeoutDisableMode: DisableMode = .soft
    /// When set, a tracer's start must carry exactly this `auth`.
    public var tracerAuthToken: String?
    /// When set, a client's start payload must be exactly this.
    public var clientAuthToken: String?
    /// The largest tracer frame or client WebSocket message accepted, and
    /// the size of each session's buffer of undelivered messages.
    public var maximumMessageBytes = TracerFraming.defaultMaximumFrameBytes

    /// The original's route: everything after the first slash.
    public static let defaultRoute = "/(.+)"

    public init() {}

    /// The longest timeout accepted: longer ones are a typo, and durations
    /// must convert to the event loop's 64-bit nanoseconds.
    static let longestTimeout: Duration = .seconds(100 * 365 * 24 * 3600)

    /// Checks every setting, with a message that names the bad one.
    public func validate() throws(ConfigurationError) {
        for (name, port) in [("tracer port", tracerPort), ("client port", clientPort)]
        where !(0...65535).contains(port) {
            throw ConfigurationError("The \(name) must be between 0 and 65535, not \(port)")
        }
        let timeouts: [(String, Duration?)] = [
            ("auth timeout", authTimeout), ("inactivity timeout", inactivityTimeout),
            ("attach timeout", attachTimeout), ("sweep time", sweepInterval),
        ]
        for case (let name, let timeout?) in timeouts where timeout < .zero || timeout > Self.longestTimeout {
            throw ConfigurationError("The \(name) must be between 0 and 100 years, not \(timeout)")
        }
        if inactivityTimeout != nil && sweepInterval <= .zero {
            throw ConfigurationError("The sweep time must be positive")
        }
        // A tracer frame's length is a signed 32-bit number.
        guard (1...Int(Int32.max)).contains(maximumMessageBytes) else {
            throw ConfigurationError("The maximum message size must be between 1 and \(Int32.max) bytes")
        }
        _ = try ClientRoute(pattern: route)
    }
}

/// How a tracer stops when its session is ended for it: `soft` lets the
/// program run on untraced, `hard` raises `QdbQuit` in it.
public enum DisableMode: String, Sendable, CaseIterable {
    case soft
    case hard
}

/// A setting the server cannot run with.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
