import ArgumentParser
@preconcurrency import Dispatch
import Logging
import QdbServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `qdb-server`: the options of the original `python -m qdb.server`, plus
/// auth tokens and a message size limit.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qdb-server",
        abstract: "Relay between Python programs being debugged (tracers) and debugger clients.",
        discussion: """
            Tracers connect over TCP and name their session with a uuid; clients connect with \
            a WebSocket whose path names the same uuid. Every client of a session gets every \
            message of its tracer, and the tracer gets every client's commands. \
            SIGINT or SIGTERM ends every session (clients get `disable`, tracers a soft \
            `disable`) and exits 0.
            """)

    @Option(help: ArgumentHelp("The host the tracer server will serve.", valueName: "tracer-host"))
    var tracerHost = "127.0.0.1"

    @Option(help: ArgumentHelp(
        "The port the tracer traffic will be served on (0: any free port).", valueName: "tracer-port"))
    var tracerPort = 8001

    @Option(help: ArgumentHelp("The host the client server will serve.", valueName: "client-host"))
    var clientHost = "127.0.0.1"

    @Option(help: ArgumentHelp(
        "The port the client traffic will be served on (0: any free port).", valueName: "client-port"))
    var clientPort = 8002

    @Option(help: ArgumentHelp(
        """
        The regular expression defining the route the client server will listen on; matched \
        case-insensitively at the start of the request path, its one capture group is the \
        session uuid.
        """, valueName: "route-regex"))
    var route = ServerConfiguration.defaultRoute

    @Option(help: ArgumentHelp(
        "The amount of seconds that a client or tracer has to authenticate.", valueName: "auth-timeout-secs"))
    var authTimeout: Double = 60

    @Option(help: ArgumentHelp(
        "The amount of minutes a session may be inactive before it is killed (default: never).",
        valueName: "inactivity-timeout-mins"))
    var inactivityTimeout: Double?

    @Option(help: ArgumentHelp(
        """
        The amount of seconds a session will wait for both sides to attach. Omitted means wait \
        forever, zero means allow orphan sessions.
        """, valueName: "attach-timeout-secs"))
    var attachTimeout: Double?

    @Option(help: ArgumentHelp(
        "The amount of minutes in between sweeps of inactivity checks.", valueName: "sweep-time-mins"))
    var sweepTime: Double = 1

    @Option(help: ArgumentHelp(
        "The disable mode to use when a session times out: soft or hard.", valueName: "timeout-disable-mode"))
    var timeoutDisableMode: DisableMode = .soft

    @Option(help: ArgumentHelp(
        "Accept a tracer only if the auth of its start event equals this token.", valueName: "token"))
    var tracerAuth: String?

    @Option(help: ArgumentHelp(
        "Accept a client only if the payload of its start event equals this token.", valueName: "token"))
    var clientAuth: String?

    @Option(help: ArgumentHelp(
        """
        The largest tracer frame or client WebSocket message accepted, and the size of each \
        session's buffer for messages waiting for a client.
        """, valueName: "bytes"))
    var maxMessageBytes = ServerConfiguration().maximumMessageBytes

    @Option(help: ArgumentHelp(
        "The path to the logging output file. If omitted, logging goes to stderr.", valueName: "log-file"))
    var log: String?

    @Option(help: ArgumentHelp(
        "The least severe log messages written: trace, debug, info, notice, warning, error or critical.",
        valueName: "level"))
    var logLevel: Logger.Level = .info

    func validate() throws {
        do {
            try serverConfiguration().validate()
        } catch {
            throw ValidationError(error.description)
        }
    }

    private func serverConfiguration() throws(ConfigurationError) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.tracerHost = tracerHost
        configuration.tracerPort = tracerPort
        configuration.clientHost = clientHost
        configuration.clientPort = clientPort
        configuration.route = route
        configuration.authTimeout = try duration(authTimeout, seconds: 1, "auth timeout")
        if let inactivityTimeout {
            configuration.inactivityTimeout = try duration(inactivityTimeout, seconds: 60, "inactivity timeout")
        }
        if let attachTimeout {
            configuration.attachTimeout = try duration(attachTimeout, seconds: 1, "attach timeout")
        }
        configuration.sweepInterval = try duration(sweepTime, seconds: 60, "sweep time")
        configuration.timeoutDisableMode = timeoutDisableMode
        configuration.tracerAuthToken = tracerAuth
        configuration.clientAuthToken = clientAuth
        configuration.maximumMessageBytes = maxMessageBytes
        return configuration
    }

    /// `count` units of `seconds` each; checked here because
    /// `Duration.seconds(_:)` traps on what does not fit.
    private func duration(_ count: Double, seconds: Double, _ name: String) throws(ConfigurationError) -> Duration {
        let total = count * seconds
        guard total.isFinite, total >= 0, total <= 100 * 365 * 24 * 3600 else {
            throw ConfigurationError("The \(name) must be between 0 and 100 years, not \(count)")
        }
        return .seconds(total)
    }

    func run() async throws {
        let level = logLevel
        if let log {
            let file = try LogFile(path: log)
            LoggingSystem.bootstrap { label in
                var handler = FileLogHandler(label: label, file: file)
                handler.logLevel = level
                return handler
            }
        } else {
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
        let logger = Logger(label: "qdb.server")
        raiseOpenFileLimit()
        let stopSignals = StopSignals()
        let server = try await QdbServer.start(try serverConfiguration(), logger: logger)
        let signal = await stopSignals.next()
        logger.notice("Received signal \(signal): ending every session")
        await server.shutdown()
    }
}

extension DisableMode: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}

/// SIGINT and SIGTERM, delivered as values instead of ending the process.
final class StopSignals {
    private let stream: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        self.stream = stream
        sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { continuation.yield(number) }
            source.resume()
            return source
        }
    }

    func next() async -> Int32 {
        var iterator = stream.makeAsyncIterator()
        return await iterator.next() ?? SIGTERM
    }
}

/// Top-level code picks the synchronous `main()`; an async function gets
/// `AsyncParsableCommand`'s.
func runAsync<Command: AsyncParsableCommand>(_ command: Command.Type) async {
    await command.main()
}

await runAsync(ServerCommand.self)
