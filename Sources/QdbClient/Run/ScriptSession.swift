#if canImport(Glibc)
import Glibc
#endif
import Logging
import QdbProtocol
import QdbServer

/// `qdb-cli run script.py [args]`, the one-command way to debug, like
/// `python -m pdb script.py`: a private server inside this process on free
/// loopback ports, `qdb-python -m qdb` (or `PYTHON -m qdb`, for a python
/// that has the qdb package) running the script against it, and the REPL
/// attached; the program is stopped when the REPL ends. An uncaught
/// exception stops where it was raised (post mortem), as in pdb.
public enum ScriptSession {
    /// How long the client waits for the program's tracer to connect: a
    /// program that cannot start must not leave the user waiting forever.
    static let attachTimeout: Duration = .seconds(30)

    public static func run(
        script: String, arguments: [String], uuid: String, python: String? = nil, settings: [Command] = []
    ) async -> ClientExit {
        guard access(script, R_OK) == 0 else {
            return .failed(.cannotStartProgram("cannot open \(script): \(String(cString: strerror(errno)))"))
        }
        let token: String
        let interpreter: String
        let server: QdbServer
        do throws(ClientError) {
            token = try AuthToken.random()
            interpreter = try ExecutableLocator.path(of: python ?? "qdb-python")
            server = try await startServer(token: token)
        } catch {
            return .failed(error)
        }
        let program: ChildProgram
        do throws(ClientError) {
            program = try ChildProgram(
                executable: interpreter,
                arguments: ["-m", "qdb", "--post-mortem", "--host", "127.0.0.1", "--port", String(server.tracerPort),
                            "--uuid", uuid, "--auth", token, script] + arguments)
        } catch {
            await server.shutdown()
            return .failed(error)
        }
        // A program that ends on its own leaves the session to its tracer's
        // goodbye; one that died before a client could attach (a syntax
        // error, say) would leave the client waiting for the attach
        // timeout, so the server goes and the client ends at once.
        let watcher = Task {
            await program.waitForExit()
            try? await Task.sleep(for: .seconds(1))
            guard !Task.isCancelled else { return false }
            await server.shutdown()
            return true
        }
        let address = WebSocketAddress(host: "127.0.0.1", port: server.clientPort, path: "/" + uuid)
        var options = ClientOptions(address: address, uuid: uuid, authMessage: token)
        options.settings = settings
        let exit = await TerminalClient.run(options)
        watcher.cancel()
        let programDiedFirst = await watcher.value
        await program.stop()
        await server.shutdown()
        guard programDiedFirst else { return exit }
        let errors = program.errorText()
        return .failed(.cannotStartProgram(
            "the program ended before its session did" + (errors.isEmpty ? "" : ":\n" + errors)))
    }

    private static func startServer(token: String) async throws(ClientError) -> QdbServer {
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
