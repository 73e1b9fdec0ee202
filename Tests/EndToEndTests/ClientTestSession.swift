#if canImport(Glibc)
import Glibc
#endif
import QdbProtocol
import QdbTestSupport
import Testing

/// One end-to-end setting for `qdb-cli`: a real `qdb-server` on ephemeral
/// ports, a fake tracer speaking the raw protocol, and `qdb-cli` in a
/// pseudo-terminal, with a home directory and a session uuid of its own.
final class ClientTestSession {
    let server: ServerProcess
    let uuid = "cli-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let home: String

    init(serverArguments: [String] = []) throws {
        server = try ServerProcess.launch(serverArguments)
        var template = Array("/tmp/qdb-cli-e2e-XXXXXX".utf8CString)
        home = String(cString: mkdtemp(&template))
    }

    deinit {
        unlink(transcriptPath)
        unlink(home + "/.qdb_history")
        rmdir(home)
    }

    var transcriptPath: String { "/tmp/qdb/.\(uuid)" }
    var clientPath: String { "/\(uuid)" }

    /// A tracer that has started the session and stopped at its first line.
    func attachTracer(stoppedAt frame: JSONValue = ClientTestSession.frame(line: 1, code: "x = 1")) throws -> TracerTestPeer {
        let tracer = try TracerTestPeer(port: server.tracerPort)
        try tracer.send(TracerTestPeer.start(uuid: uuid))
        try tracer.sendStop(at: frame)
        return tracer
    }

    /// `qdb-cli` for this session, as a user runs it.
    func launchClient(_ arguments: [String] = [], port: Int? = nil) throws -> PseudoTerminal {
        let address = "ws://127.0.0.1:\(port ?? server.clientPort)/{uuid}"
        return try PseudoTerminal(
            executable: try Executables.path(of: "qdb-cli"),
            arguments: ["-w", address, "-u", uuid] + arguments,
            environment: ["HOME": home, "TERM": "xterm", "PATH": "/usr/bin:/bin"])
    }

    static let file = "/work/app.py"

    static func frame(line: Int, code: String, function: String = "<module>") -> JSONValue {
        ["file": .string(file), "line": JSONValue(line), "func": .string(function), "code": .string(code)]
    }
}

extension TracerTestPeer {
    /// What a tracer sends when it stops: `watchlist`, then `stack`.
    func sendStop(at frame: JSONValue, watchlist: JSONValue = []) throws {
        try send(Message("watchlist", watchlist))
        try send(Message("stack", ["index": 0, "stack": [frame]]))
    }

    /// Answers qdb-cli's `start`, and the `stop_reasons` and `call_stops`
    /// that follow it, as an original tracer does: breakpoints, then the
    /// current stop, then the refusals of the extensions.
    func answerStart(stoppedAt frame: JSONValue) throws {
        try expectMessage(Message("stop_reasons", true))
        try expectMessage(Message("call_stops", true))
        try send(Message("breakpoints", []))
        try sendStop(at: frame)
        for name in ["stop_reasons", "call_stops"] {
            try send(Message("error", ["type": "event", "data": .string("Command \(name) does not exist")]))
        }
    }

    /// The next message, skipping nothing: it must be `expected`.
    func expectMessage(_ expected: Message, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let message = try receiveMessage()
        #expect(message == expected, sourceLocation: sourceLocation)
    }
}
