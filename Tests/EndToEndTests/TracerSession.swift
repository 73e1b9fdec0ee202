import Foundation
import QdbProtocol
import QdbTestSupport

/// A program debugged through the real binaries: a `qdb-server` on
/// ephemeral ports, the program under `qdb-python` (or python3), and a
/// client speaking the raw protocol to the server.
final class TracerSession {
    let directory: URL
    let server: ServerProcess
    let program: ChildProcess
    let uuid: String
    private(set) var client: WebSocketTestClient?

    /// Writes `source` as `program.py` in a new directory and debugs it:
    /// `qdb-python -m qdb ... program.py` unless `command` says otherwise
    /// (given the directory, the ports and the uuid).
    init(
        _ source: String, serverArguments: [String] = [], input: String? = nil,
        command: ((_ directory: String, _ tracerPort: Int, _ uuid: String) throws -> [String])? = nil
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("qdb-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try source.write(to: directory.appendingPathComponent("program.py"), atomically: true, encoding: .utf8)
        uuid = "e2e-\(UUID().uuidString)"
        server = try ServerProcess.launch(serverArguments)
        let arguments = try command?(directory.path, server.tracerPort, uuid)
            ?? [try Executables.path(of: "qdb-python"), "-m", "qdb", "--host", "127.0.0.1", "--port",
                String(server.tracerPort), "--uuid", uuid, "program.py"]
        var inputFile = "/dev/null"
        if let input {
            inputFile = directory.appendingPathComponent("input.txt").path
            try input.write(toFile: inputFile, atomically: true, encoding: .utf8)
        }
        program = try ChildProcess(
            arguments[0], Array(arguments.dropFirst()), inputFile: inputFile, directory: directory.path)
    }

    /// A program that calls `qdb.set_trace` itself, with `PORT` and `UUID`
    /// in its source filled in, run under qdb-python.
    static func callingSetTrace(_ source: String) throws -> TracerSession {
        try TracerSession(source) { directory, port, uuid in
            let path = directory + "/program.py"
            let source = try String(contentsOfFile: path, encoding: .utf8)
            try source.replacingOccurrences(of: "PORT", with: String(port)).replacingOccurrences(of: "UUID", with: uuid)
                .write(toFile: path, atomically: true, encoding: .utf8)
            return [try Executables.path(of: "qdb-python"), "program.py"]
        }
    }

    deinit {
        program.kill()
        try? FileManager.default.removeItem(at: directory)
    }

    var programPath: String { directory.appendingPathComponent("program.py").path }

    /// Attaches a client (sends `start`) and returns what it receives up to
    /// the end of the reply to `start`.
    @discardableResult
    func attach(auth: String = "", as uuid: String? = nil) throws -> [Message] {
        let client = try WebSocketTestClient(port: server.clientPort, path: "/" + (uuid ?? self.uuid), timeout: 20)
        self.client = client
        try client.send(Message("start", .string(auth)))
        return try receive(through: "breakpoints", then: 2)
    }

    func send(_ name: String, _ payload: JSONValue = .null) throws {
        try client?.send(Message(name, payload))
    }

    /// Messages until one named `name` and `extra` more.
    func receive(through name: String, then extra: Int = 0) throws -> [Message] {
        guard let client else { throw TestSupportError.protocolViolation("not attached") }
        var messages: [Message] = []
        while !messages.contains(where: { $0.name == name }) {
            messages.append(try client.receiveMessage(timeout: 20))
        }
        for _ in 0..<extra {
            messages.append(try client.receiveMessage(timeout: 20))
        }
        return messages
    }

    /// Sends a command and returns the stop it leads to ("function:line"),
    /// with everything received on the way.
    func stop(after name: String, _ payload: JSONValue = .null) throws -> (String, [Message]) {
        try send(name, payload)
        let messages = try receive(through: "stack")
        return (Self.location(messages.last { $0.name == "stack" }), messages)
    }

    /// Messages until the session ends (the server's `disable` and close).
    func receiveUntilEnd() throws -> [Message] {
        guard let client else { return [] }
        return try client.receiveUntilClose(timeout: 20).messages
    }

    /// What arrives within `seconds`: nothing (nil), or the first event.
    func unexpectedEvent(within seconds: Double) throws -> WebSocketEvent? {
        do {
            return try client?.receive(timeout: seconds)
        } catch TestSupportError.timedOut {
            return nil
        }
    }

    static func location(_ message: Message?) -> String {
        guard let message, let frame = Stack(json: message.payload)?.selectedFrame else { return "?" }
        return "\(frame.function):\(frame.line)"
    }

    /// The program's output forwarded as `print` events, joined.
    static func programOutput(_ messages: [Message], stream: String = PrintOutput.standardOutput) -> String {
        messages.compactMap { $0.name == "print" ? PrintOutput(json: $0.payload) : nil }
            .filter { $0.isProgramOutput && $0.input == .string(stream) }.map(\.output).joined()
    }
}
