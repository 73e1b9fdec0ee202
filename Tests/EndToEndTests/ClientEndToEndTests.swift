#if canImport(Glibc)
import Glibc
#endif
import QdbProtocol
import QdbTestSupport
import Testing

/// `qdb-cli` against the real `qdb-server` and a fake tracer: what a user
/// types and sees, what reaches the tracer, and how sessions end.
@Suite(.serialized) struct ClientEndToEndTests {
    @Test func debugsThroughTheServer() throws {
        let session = try ClientTestSession()
        let tracer = try session.attachTracer()
        let terminal = try session.launchClient(["-a", "hello"])
        try tracer.expectMessage(Message("start", "hello"))
        try tracer.answerStart(stoppedAt: ClientTestSession.frame(line: 1, code: "x = 1"))
        try terminal.waitFor("-> x = 1\n(qdb) ")

        terminal.type("n\r")
        try tracer.expectMessage(Message("next"))
        try tracer.sendStop(at: ClientTestSession.frame(line: 2, code: "y = x + 1"))
        var screen = try terminal.waitFor("> /work/app.py(2)<module>()\n-> y = x + 1\n")
        #expect(screen.contains("qdb connected to ws://127.0.0.1:\(session.server.clientPort)/\(session.uuid)"))
        #expect(screen.occurrences(of: "-> x = 1\n") == 1, "attaching shows the first stop once")

        terminal.type("x * 10\r")
        try tracer.expectMessage(Message("eval", "x * 10"))
        try tracer.send(Message("print", ["input": "x * 10", "exc": .null, "output": "10"]))
        try tracer.send(Message("watchlist", []))
        try terminal.waitFor("(qdb) x * 10\n10\n")

        // The program's output appears above a half-typed line.
        terminal.type("watch x +")
        try terminal.waitFor("(qdb) watch x +")
        try tracer.send(Message("print", ["input": "<stdout>", "exc": false, "output": "working"]))
        try tracer.send(Message("print", ["input": "<stdout>", "exc": false, "output": "\n"]))
        try terminal.waitFor("working\n(qdb) watch x +")
        terminal.type(" 1\r")
        try tracer.expectMessage(Message("set_watch", ["x + 1"]))
        try tracer.send(Message("watchlist", [["expr": "x + 1", "exc": .null, "value": 2]]))
        try terminal.waitFor("watchlist: [\n  > x + 1: 2\n]\n")

        // A tracer without pdb's extensions (this one acts the original's)
        // gets the breakpoint again as the original's set_break.
        terminal.type("b 9, y > 1\r")
        let breakpoint: JSONValue = ["file": "/work/app.py", "line": 9, "cond": "y > 1"]
        try tracer.expectMessage(Message("add_break", breakpoint))
        try tracer.send(Message("error", ["type": "event", "data": "Command add_break does not exist"]))
        try tracer.expectMessage(Message("set_break", breakpoint))
        try terminal.waitFor("(an original qdb tracer: breakpoints are set, but not numbered)\n")
        terminal.type("b 10\r")
        try tracer.expectMessage(Message("set_break", ["file": "/work/app.py", "line": 10]))
        terminal.type("b {'file': 'x.py'\r")
        try terminal.waitFor("*** error: b(reak): invalid breakpoint dict: expected '}' (column 16)\n")
        terminal.type("cl\r")
        try terminal.waitFor("Clear all breaks? ")
        terminal.type("no\r")
        terminal.type("c\r")
        try tracer.expectMessage(Message("continue"))
        terminal.type("\u{03}")
        try tracer.expectMessage(Message("pause"))
        try tracer.sendStop(at: ClientTestSession.frame(line: 9, code: "while running: pass"))
        screen = try terminal.waitFor("-> while running: pass\n")

        terminal.type("q\r")
        try tracer.expectMessage(Message("disable", "soft"))
        try tracer.send(Message("disabled"))
        #expect(try terminal.waitForExit() == 0)
        screen = try terminal.waitFor("Disabled, goodbye.\n")

        let transcript = try readFile(session.transcriptPath)
        for text in ["-> x = 1", "(qdb) x * 10", "10", "working", "  > x + 1: 2", "Clear all breaks? no",
                     "-> while running: pass", "(qdb) q", "Disabled, goodbye."] {
            #expect(transcript.contains(text), "the transcript lacks \(text)")
        }
        #expect(!transcript.contains("\u{1B}"), "no colours in the transcript")
        #expect(try readFile(session.home + "/.qdb_history").contains("x\\040*\\04010"), "history is kept")
    }

    @Test func sharesTheSessionWithAnotherClient() throws {
        let session = try ClientTestSession()
        let tracer = try session.attachTracer()
        let terminal = try session.launchClient()
        try tracer.expectMessage(Message("start", ""))
        try tracer.answerStart(stoppedAt: ClientTestSession.frame(line: 1, code: "x = 1"))
        try terminal.waitFor("-> x = 1\n(qdb) ")

        let other = try WebSocketTestClient(port: session.server.clientPort, path: session.clientPath)
        try other.send(Message("start", ""))
        try tracer.expectMessage(Message("start", ""))
        try tracer.send(Message("breakpoints", [["file": "/work/app.py", "line": 5, "temp": .null, "cond": .null, "func": .null]]))
        try tracer.sendStop(at: ClientTestSession.frame(line: 1, code: "x = 1"))
        for event in ["breakpoints", "watchlist", "stack"] {
            #expect(try other.receiveMessage().name == event)
        }
        // qdb-cli sees the answer to the other client's start too; the stop
        // it already shows is not repeated.
        let screen = try terminal.waitFor("breakpoints: [\n  > /work/app.py:5\n]\n(qdb) ")
        #expect(screen.occurrences(of: "-> x = 1\n") == 1)

        // What qdb-cli causes, the other client sees...
        terminal.type("n\r")
        try tracer.expectMessage(Message("next"))
        try tracer.sendStop(at: ClientTestSession.frame(line: 2, code: "y = 2"))
        #expect(try other.receiveMessage() == Message("watchlist", []))
        #expect(try other.receiveMessage() == Message("stack", ["index": 0, "stack": [ClientTestSession.frame(line: 2, code: "y = 2")]]))
        try terminal.waitFor("-> y = 2\n(qdb) ")
        terminal.type("p y\r")
        try tracer.expectMessage(Message("eval", "y"))
        try tracer.send(Message("print", ["input": "y", "exc": "NameError", "output": "NameError: name 'y' is not defined"]))
        #expect(try other.receiveMessage() == Message("print", ["input": "y", "exc": "NameError", "output": "NameError: name 'y' is not defined"]))
        try terminal.waitFor("(qdb) p y\n*** NameError: name 'y' is not defined\n")

        // ...and the reverse.
        try other.send(Message("eval", "2 ** 8"))
        try tracer.expectMessage(Message("eval", "2 ** 8"))
        try tracer.send(Message("print", ["input": "2 ** 8", "exc": .null, "output": "256"]))
        try terminal.waitFor(">>> 2 ** 8\n256\n")
        try other.send(Message("step"))
        try tracer.expectMessage(Message("step"))
        try tracer.sendStop(at: ClientTestSession.frame(line: 3, code: "z = 3"))
        try terminal.waitFor("> /work/app.py(3)<module>()\n-> z = 3\n")

        terminal.type("q hard\r")
        try tracer.expectMessage(Message("disable", "hard"))
        try tracer.send(Message("disabled"))
        #expect(try terminal.waitForExit() == 0)
        let (messages, _) = try other.receiveUntilClose()
        #expect(messages.last == Message("disable"))
    }

    @Test func reportsARefusedAuthentication() throws {
        let session = try ClientTestSession(serverArguments: ["--client-auth", "s3cret"])
        let terminal = try session.launchClient(["-a", "wrong"])
        #expect(try terminal.waitForExit() == 1)
        let screen = try terminal.waitFor("qdb-cli: authentication refused: Authentication failed\n")
        #expect(!screen.contains("Disabled, goodbye."))
    }

    @Test func reportsThatNoTracerCame() throws {
        let session = try ClientTestSession(serverArguments: ["--attach-timeout", "0.3"])
        let terminal = try session.launchClient()
        #expect(try terminal.waitForExit() == 1)
        try terminal.waitFor("qdb-cli: session ended: No tracer\n")
    }

    @Test func reportsATracerThatWentAway() throws {
        let session = try ClientTestSession()
        let tracer = try session.attachTracer()
        let terminal = try session.launchClient()
        try tracer.expectMessage(Message("start", ""))
        try tracer.answerStart(stoppedAt: ClientTestSession.frame(line: 1, code: "x = 1"))
        try terminal.waitFor("-> x = 1\n(qdb) ")
        tracer.close()
        #expect(try terminal.waitForExit() == 1)
        try terminal.waitFor("qdb-cli: session ended: ")
    }

    @Test func reportsAServerThatWentAway() throws {
        let session = try ClientTestSession()
        let tracer = try session.attachTracer()
        let terminal = try session.launchClient()
        try tracer.expectMessage(Message("start", ""))
        try terminal.waitFor("(qdb) ")
        session.server.process.kill()
        #expect(try terminal.waitForExit() == 1)
        try terminal.waitFor(
            "qdb-cli: connection to ws://127.0.0.1:\(session.server.clientPort)/\(session.uuid) lost: the server went away\n")
    }

    @Test func reportsAServerThatIsNotRunning() throws {
        let session = try ClientTestSession()
        let closedPort = try ClosedPort()
        let terminal = try session.launchClient(port: closedPort.port)
        #expect(try terminal.waitForExit() == 1)
        try terminal.waitFor(
            "qdb-cli: cannot connect to ws://127.0.0.1:\(closedPort.port)/\(session.uuid): connection refused (is qdb-server running?)\n")
    }
}
