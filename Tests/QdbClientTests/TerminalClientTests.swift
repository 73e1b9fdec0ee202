#if canImport(Glibc)
import Glibc
#endif
import QdbProtocol
import Testing
@testable import QdbClient

/// `qdb-cli` itself, in a pseudo-terminal, against the test WebSocket
/// server: what a user types and sees.
@Suite(.serialized) struct TerminalClientTests {
    let home: String
    let uuid: String

    init() {
        var template = Array("/tmp/qdb-cli-test-XXXXXX".utf8CString)
        home = String(cString: mkdtemp(&template))
        uuid = "cli-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    var transcriptPath: String { "/tmp/qdb/.\(uuid)" }

    func launch(server: TestWebSocketServer?, port: Int? = nil, arguments: [String] = []) throws -> PseudoTerminal {
        let address = "ws://127.0.0.1:\(server?.port ?? port ?? 1)/{uuid}"
        return try PseudoTerminal(
            executable: buildProductsDirectory() + "/qdb-cli",
            arguments: ["-w", address, "-u", uuid] + arguments,
            environment: ["HOME": home, "TERM": "xterm", "PATH": "/usr/bin:/bin"])
    }

    func cleanUp() {
        unlink(transcriptPath)
        unlink(home + "/.qdb_history")
        rmdir(home)
    }

    static let stack: JSONValue = [
        "index": 0, "stack": [["file": "/app.py", "line": 3, "func": "<module>", "code": "x = 1"]],
    ]

    @Test func debugsInteractively() async throws {
        defer { cleanUp() }
        let server = try await TestWebSocketServer.start()
        let terminal = try launch(server: server, arguments: ["-a", "s3cret"])
        let peer = try await server.nextPeer()
        #expect(try await peer.nextMessage() == Message("start", "s3cret"))
        for event in ["watchlist", "stack", "breakpoints", "watchlist", "stack"] {
            peer.send(event, event == "stack" ? Self.stack : [])
        }
        try terminal.waitFor("-> x = 1\n(qdb) ")
        terminal.type("n\r")
        #expect(try await peer.nextMessage() == Message("next"))
        peer.send("stack", ["index": 0, "stack": [["file": "/app.py", "line": 4, "func": "<module>", "code": "y = 2"]]])
        var screen = try terminal.waitFor("-> y = 2")
        #expect(screen.contains("qdb connected to ws://127.0.0.1:\(server.port)/\(uuid)"))
        #expect(screen.occurrences(of: "> /app.py:3 in <module>\n-> x = 1\n") == 1, "the attach burst shows one stop")

        // Output arriving while a line is being typed goes above it.
        terminal.type("x +")
        try terminal.waitFor("(qdb) x +")
        peer.send("print", ["input": "<stdout>", "exc": false, "output": "hello\n"])
        screen = try terminal.waitFor("hello\n(qdb) x +")
        terminal.type(" 1\r")
        #expect(try await peer.nextMessage() == Message("eval", "x + 1"))
        peer.send("print", ["input": "x + 1", "exc": nil, "output": "2"])
        try terminal.waitFor("\n2\n")

        terminal.type("b 7\r")
        #expect(try await peer.nextMessage() == Message("set_break", ["file": "/app.py", "line": 7]))
        terminal.type("b x.py:zz\r")
        try terminal.waitFor("*** error: b(reak): cannot read breakpoint 'x.py:zz'")
        terminal.type("w\r")
        try terminal.waitFor("*** error: w(atch): missing argument(s)")

        terminal.type("c\r")
        #expect(try await peer.nextMessage() == Message("continue"), "bad input sent nothing")
        terminal.type("\u{03}")
        #expect(try await peer.nextMessage() == Message("pause"), "Ctrl-C pauses")

        terminal.type("\u{04}")
        #expect(try await peer.nextMessage() == Message("disable", "soft"), "Ctrl-D quits soft")
        peer.send("disable")
        peer.sendClose()
        #expect(try terminal.waitForExit() == 0)
        try terminal.waitFor("Disabled, goodbye.")

        let transcript = try readFile(transcriptPath)
        for text in ["> /app.py:3 in <module>", "-> y = 2", "hello", "(qdb) x + 1", "2",
                     "*** error: b(reak)", "Disabled, goodbye."] {
            #expect(transcript.contains(text), "transcript lacks \(text)")
        }
        #expect(!transcript.contains("\u{1B}"), "no colours in the transcript")
        #expect(try readFile(home + "/.qdb_history").contains("b\\0407"), "history kept, in libedit's encoding")
        try await server.shutdown()
    }

    @Test func quitsHardOnRequest() async throws {
        defer { cleanUp() }
        let server = try await TestWebSocketServer.start()
        let terminal = try launch(server: server)
        let peer = try await server.nextPeer()
        #expect(try await peer.nextMessage() == Message("start", ""))
        try terminal.waitFor("(qdb) ")
        terminal.type("q sideways\r")
        try terminal.waitFor("*** error: disable: argument must be 'soft' or 'hard'")
        terminal.type("q hard\r")
        #expect(try await peer.nextMessage() == Message("disable", "hard"))
        peer.send("disable")
        peer.sendClose()
        #expect(try terminal.waitForExit() == 0)
        try await server.shutdown()
    }

    @Test func reportsARefusedAuthentication() async throws {
        defer { cleanUp() }
        let server = try await TestWebSocketServer.start()
        let terminal = try launch(server: server, arguments: ["-a", "wrong"])
        let peer = try await server.nextPeer()
        _ = try await peer.nextMessage()
        peer.send("error", ["type": "auth", "data": "Authentication failed"])
        peer.send("disable")
        peer.sendClose()
        #expect(try terminal.waitForExit() == 1)
        let screen = try terminal.waitFor("qdb-cli: authentication refused: Authentication failed\n")
        #expect(!screen.contains("Disabled, goodbye."))
        try await server.shutdown()
    }

    @Test func reportsALostServer() async throws {
        defer { cleanUp() }
        let server = try await TestWebSocketServer.start()
        let terminal = try launch(server: server)
        let peer = try await server.nextPeer()
        _ = try await peer.nextMessage()
        try terminal.waitFor("(qdb) ")
        peer.drop()
        #expect(try terminal.waitForExit() == 1)
        try terminal.waitFor("qdb-cli: connection to ws://127.0.0.1:\(server.port)/\(uuid) lost: the server went away")
        try await server.shutdown()
    }

    @Test func reportsAMissingServer() async throws {
        defer { cleanUp() }
        let closedPort = try ClosedPort()
        let port = closedPort.port
        let terminal = try launch(server: nil, port: port)
        #expect(try terminal.waitForExit() == 1)
        try terminal.waitFor("qdb-cli: cannot connect to ws://127.0.0.1:\(port)/\(uuid): connection refused")
    }
}

func readFile(_ path: String) throws -> String {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw PseudoTerminal.Failure(description: "cannot open \(path)") }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return String(decoding: bytes, as: UTF8.self) }
        bytes += buffer[..<count]
    }
}
