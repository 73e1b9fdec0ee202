import Foundation

/// A `qdb-server` executable started for a test on ephemeral loopback
/// ports, which it reads from the server's log.
///
/// ```swift
/// let server = try ServerProcess.launch(["--attach-timeout", "1"])
/// let client = try WebSocketTestClient(port: server.clientPort, path: "/u1")
/// ```
public final class ServerProcess: Sendable {
    public let process: ChildProcess
    public let tracerPort: Int
    public let clientPort: Int

    /// Starts the server with `--tracer-port 0 --client-port 0` and
    /// `arguments`, and waits until both ports are bound.
    public static func launch(_ arguments: [String] = [], environment: [String: String] = [:]) throws -> ServerProcess {
        let process = try ChildProcess(
            try Executables.path(of: "qdb-server"), ["--tracer-port", "0", "--client-port", "0"] + arguments,
            environment: environment)
        let ports: [Int] = try process.waitForOutput { (log: String) -> [Int]? in
            guard let tracer = port(after: "Serving tracers on ", in: log),
                  let client = port(after: "Serving clients on ", in: log) else { return nil }
            return [tracer, client]
        }
        return ServerProcess(process: process, tracerPort: ports[0], clientPort: ports[1])
    }

    private init(process: ChildProcess, tracerPort: Int, clientPort: Int) {
        self.process = process
        self.tracerPort = tracerPort
        self.clientPort = clientPort
    }

    /// The port in the first `HOST:PORT` after `marker` in a log.
    public static func port(after marker: String, in log: String) -> Int? {
        guard let range = log.range(of: marker) else { return nil }
        let address = log[range.upperBound...].prefix { !$0.isWhitespace }
        guard let colon = address.lastIndex(of: ":") else { return nil }
        return Int(address[address.index(after: colon)...])
    }
}
