import Logging
import QdbClientSession
import QdbConnection
import QdbServer

/// The qdb server a launcher (`qdb-cli run`, `qdb-cli attach --pid`,
/// qdb-dap) runs inside its own process for one program: on free loopback
/// ports, with one random token for the tracer and the client alike.
enum PrivateServer {
    static func start(token: String, attachTimeout: Duration) async throws(ClientError) -> QdbServer {
        var configuration = ServerConfiguration()
        configuration.tracerPort = 0
        configuration.clientPort = 0
        configuration.tracerAuthToken = token
        configuration.clientAuthToken = token
        configuration.attachTimeout = attachTimeout
        // The server's log would land in the middle of the session.
        var logger = Logger(label: "qdb.server")
        logger.logLevel = .critical
        do {
            return try await QdbServer.start(configuration, logger: logger)
        } catch {
            throw .cannotStartProgram("cannot start the debugging server: \(error)")
        }
    }
}

/// Where a client attaches to a session on a private server.
public struct PrivateSession: Sendable {
    public let address: WebSocketAddress
    public let uuid: String
    /// The server's random token: the client's `start` payload.
    public let authMessage: String

    init(server: QdbServer, uuid: String, token: String) {
        address = WebSocketAddress(host: "127.0.0.1", port: server.clientPort, path: "/" + uuid)
        self.uuid = uuid
        authMessage = token
    }
}
