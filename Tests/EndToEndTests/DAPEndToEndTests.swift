import Foundation
import QdbProtocol
import QdbTestSupport
import Testing

/// `qdb-dap` driven as an editor drives it, over a real socket: it
/// launches `examples/primes.py` under a private server and qdb-python, or
/// attaches to a session beside another client.
@Suite(.serialized) struct DAPEndToEndTests {
    static let program = Executables.packageRoot + "/examples/primes.py"
    /// Where `make deps` put dap-python, and the python it is for.
    static let tools = ProcessInfo.processInfo.environment["QDB_TEST_TOOLS"]
    static let toolsPython = ProcessInfo.processInfo.environment["QDB_TEST_TOOLS_PYTHON"] ?? "python3"

    /// initialize, launch and the configuration, up to the first stop.
    private func launch(
        _ client: DAPTestClient, program: String = DAPEndToEndTests.program, arguments: [String] = ["12"],
        stopOnEntry: Bool = false, breakpoints: JSONValue = []
    ) throws -> JSONValue {
        let capabilities = try client.succeed("initialize", ["adapterID": "qdb", "linesStartAt1": true])
        #expect(capabilities["supportsConditionalBreakpoints"] == true)
        #expect(capabilities["supportsConfigurationDoneRequest"] == true)
        try client.succeed("launch", [
            "program": .string(program), "args": .array(arguments.map(JSONValue.string)),
            "stopOnEntry": .bool(stopOnEntry),
        ])
        _ = try client.event("initialized")
        let set = try client.succeed("setBreakpoints", ["source": ["path": .string(program)], "breakpoints": breakpoints])
        try client.succeed("configurationDone")
        return set
    }

    private func frames(_ client: DAPTestClient) throws -> [JSONValue] {
        try client.succeed("stackTrace", ["threadId": 1])["stackFrames"]?.arrayValue ?? []
    }

    private func variables(_ client: DAPTestClient, _ reference: JSONValue?) throws -> [String: JSONValue] {
        let list = try client.succeed("variables", ["variablesReference": reference ?? 0])["variables"]?.arrayValue ?? []
        return Dictionary(list.map { ($0["name"]?.stringValue ?? "", $0) }) { first, _ in first }
    }

    @Test func launchesStopsAtAConditionalBreakpointAndShowsTheProgram() throws {
        let client = try DAPTestClient()
        let set = try launch(client, breakpoints: [["line": 9, "condition": "n == 9"], ["line": 3]])
        #expect(set["breakpoints"] == [["verified": true, "id": 1, "line": 9], ["verified": false, "message": "Blank or comment"]])
        let stop = try client.event("stopped")
        #expect(stop["reason"] == "breakpoint")
        #expect(stop["hitBreakpointIds"] == [1])
        #expect(try client.succeed("threads")["threads"] == [["id": 1, "name": "MainThread"]])

        let stack = try frames(client)
        #expect(stack.map { $0["name"] } == ["is_prime", "primes_up_to", "<module>"])
        #expect(stack.first?["line"] == 9)
        #expect(stack.first?["source"]?["path"] == .string(Self.program))
        let paged = try client.succeed("stackTrace", ["threadId": 1, "startFrame": 1, "levels": 1])
        #expect(paged["stackFrames"]?.arrayValue?.map { $0["name"] } == ["primes_up_to"])
        #expect(paged["totalFrames"] == 3)

        let scopes = try client.succeed("scopes", ["frameId": stack[0]["id"] ?? 0])["scopes"]?.arrayValue ?? []
        #expect(scopes.map { $0["name"] } == ["Locals", "Globals"])
        let locals = try variables(client, scopes.first?["variablesReference"])
        #expect(locals["n"]?["value"] == "9")
        #expect(locals["divisor"]?["value"] == "2")
        let globals = try variables(client, scopes.last?["variablesReference"])
        #expect(globals["is_prime"]?["type"] == "function")

        // The caller's list, expanded.
        let callerScopes = try client.succeed("scopes", ["frameId": stack[1]["id"] ?? 0])["scopes"]?.arrayValue ?? []
        let found = try #require(try variables(client, callerScopes.first?["variablesReference"])["found"])
        #expect(found["value"] == "[2, 3, 5, 7]")
        #expect(found["indexedVariables"] == 4)
        let elements = try variables(client, found["variablesReference"])
        #expect(elements.mapValues { $0["value"] } == ["0": "2", "1": "3", "2": "5", "3": "7"])

        let evaluated = try client.succeed("evaluate", ["expression": "n * 2", "frameId": stack[0]["id"] ?? 0, "context": "repl"])
        #expect(evaluated["result"] == "18")
        let inCaller = try client.succeed("evaluate", ["expression": "limit", "frameId": stack[1]["id"] ?? 0, "context": "watch"])
        #expect(inCaller["result"] == "12")
        let failed = try client.request("evaluate", ["expression": "nope", "frameId": stack[0]["id"] ?? 0, "context": "hover"])
        #expect(failed["success"] == false)
        #expect(failed["message"] == "NameError: name 'nope' is not defined")

        // Clear the breakpoint and run to the end.
        try client.succeed("setBreakpoints", ["source": ["path": .string(Self.program)], "breakpoints": []])
        #expect(try client.succeed("continue", ["threadId": 1])["allThreadsContinued"] == true)
        let exited = try client.event("exited")
        _ = try client.event("terminated")
        let output = client.takeOutput()
        #expect(exited["exitCode"] == 0, "\(output)")
        #expect(output.contains("primes up to 12 : [2, 3, 5, 7, 11]\n"))
        #expect(try client.waitForClose())
        #expect(client.adapter.waitForExit() == 0)
    }

    /// `"module"` runs a package's `__main__` as `python -m` does, from
    /// `cwd`, with `env`.
    @Test func launchesAModule() throws {
        let client = try DAPTestClient()
        let project = ClientRunTests.project
        let main = project + "/probe/__main__.py"
        try client.succeed("initialize", ["adapterID": "qdb"])
        try client.succeed("launch", [
            "module": "probe", "args": ["x"], "cwd": .string(project),
            "env": ["PYTHONPATH": .string(project), "PYTHONDONTWRITEBYTECODE": "1"],
        ])
        _ = try client.event("initialized")
        try client.succeed("setBreakpoints", ["source": ["path": .string(main)], "breakpoints": [["line": 5]]])
        try client.succeed("configurationDone")
        _ = try client.event("stopped")
        let top = try #require(try frames(client).first)
        #expect(top["source"]?["path"] == .string(main))
        let argv = try client.succeed("evaluate", ["expression": "sys.argv", "frameId": top["id"] ?? 0, "context": "repl"])
        #expect(argv["result"] == .string("['\(main)', 'x']"))
        try client.succeed("continue", ["threadId": 1])
        let exited = try client.event("exited")
        #expect(exited["exitCode"] == 0)
        #expect(client.takeOutput().contains("path0 \(project)\n"))
        #expect(try client.waitForClose())
        #expect(client.adapter.waitForExit() == 0)
    }

    @Test func stepsOverIntoAndOutOfCalls() throws {
        let client = try DAPTestClient()
        _ = try launch(client, stopOnEntry: true, breakpoints: [["line": 17]])
        #expect(try client.event("stopped")["reason"] == "entry")
        #expect(try frames(client).first?["line"] == 1)
        try client.succeed("continue", ["threadId": 1])
        #expect(try client.event("stopped")["reason"] == "breakpoint")
        try client.succeed("stepIn", ["threadId": 1])
        #expect(try client.event("stopped")["reason"] == "step")
        #expect(try frames(client).map { $0["name"] } == ["is_prime", "primes_up_to", "<module>"])
        try client.succeed("next", ["threadId": 1])
        _ = try client.event("stopped")
        #expect(try frames(client).first?["line"] == 7)
        try client.succeed("stepOut", ["threadId": 1])
        _ = try client.event("stopped")
        try client.succeed("next", ["threadId": 1])
        _ = try client.event("stopped")
        let back = try frames(client)
        #expect(back.first?["name"] == "primes_up_to")
        try client.succeed("disconnect", ["terminateDebuggee": true])
        #expect(try client.waitForClose())
        #expect(client.adapter.waitForExit() == 0)
    }

    @Test func badRequestsGetClearErrors() throws {
        let client = try DAPTestClient()
        #expect(try client.request("threads")["message"] == "No program: send launch or attach first")
        #expect(try client.request("launch", ["args": ["1"]])["message"] == "launch: \"program\" (a script) or \"module\" is required")
        #expect(try client.request("launch", ["program": "a.py", "module": "a"])["message"] == "launch: give \"program\" or \"module\", not both")
        let missing = try client.request("launch", ["program": "/nonexistent/script.py"])
        #expect(missing["success"] == false)
        #expect(missing["message"]?.stringValue?.contains("cannot open /nonexistent/script.py") == true)

        // The stream goes on after a body that is not JSON.
        try client.sendRaw(body: Array("{not json".utf8))
        _ = try launch(client, breakpoints: [["line": 9, "condition": "n == 11"]])
        _ = try client.event("stopped")
        #expect(try client.request("frobnicate")["message"] == "qdb-dap does not support the request 'frobnicate'")
        #expect(try client.request("scopes", ["frameId": 99])["message"] == "scopes: no frame 99")
        #expect(try client.request("variables", ["variablesReference": 12345])["success"] == false)
        try client.succeed("disconnect")
        #expect(try client.waitForClose())
    }

    @Test func pausesARunningProgramAndTerminatesIt() throws {
        let client = try DAPTestClient()
        let program = Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/loop.py"
        _ = try launch(client, program: program)
        // Answered once the program went on from its first line.
        #expect(try client.succeed("threads")["threads"] == [["id": 1, "name": "MainThread"]])
        // Running: what needs a stop says so at once.
        #expect(try client.request("stackTrace", ["threadId": 1])["message"] == "The program is running: pause it first")
        #expect(try client.request("next", ["threadId": 1])["message"] == "The program is running: pause it first")
        try client.succeed("pause", ["threadId": 1])
        #expect(try client.event("stopped")["reason"] == "pause")
        let counted = try client.succeed("evaluate", ["expression": "count > 0", "context": "repl"])
        #expect(counted["result"] == "True")
        try client.succeed("terminate")
        _ = try client.event("exited")
        _ = try client.event("terminated")
        #expect(try client.waitForClose())
        #expect(client.adapter.waitForExit() == 0)
    }

    /// Whether the raw client gets a `stack` at `location` among the next
    /// few (the stacks that others' commands showed come first).
    private func stack(of session: TracerSession, reaches location: String) throws -> Bool {
        for _ in 0..<8 where TracerSession.location(try session.receive(through: "stack").last) == location {
            return true
        }
        return false
    }

    @Test func attachesBesideAnotherClientAndBothSeeTheSameStops() throws {
        let session = try TracerSession("""
            total = 0
            for n in range(3):
                total += n
            print('total', total)
            """)
        try session.attach()
        let client = try DAPTestClient()
        try client.succeed("initialize", ["adapterID": "qdb"])
        try client.succeed("attach", [
            "url": .string("ws://127.0.0.1:\(session.server.clientPort)/{uuid}"), "uuid": .string(session.uuid),
        ])
        _ = try client.event("initialized")
        try client.succeed("configurationDone")
        // Attached to a program that is stopped: the editor is told so.
        #expect(try client.event("stopped")["reason"] == "pause")
        #expect(try frames(client).first?["line"] == 1)

        // The editor steps; the other client sees the stop too.
        try client.succeed("next", ["threadId": 1])
        #expect(try client.event("stopped")["reason"] == "step")
        #expect(try frames(client).first?["line"] == 2)
        #expect(try stack(of: session, reaches: "<module>:2"))

        // The other client steps; the editor sees the program go on, and
        // stop.
        _ = try session.stop(after: "next")
        #expect(try client.event("continued") == ["threadId": 1, "allThreadsContinued": true])
        _ = try client.event("stopped")
        #expect(try frames(client).first?["line"] == 3)

        // Leaving does not end the session of the other client.
        try client.succeed("disconnect", ["terminateDebuggee": false])
        #expect(try client.waitForClose())
        try session.send("next")
        #expect(try stack(of: session, reaches: "<module>:2"))
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "total 3\n")
    }

    @Test func stopsInAnotherThreadAndTellsOfIt() throws {
        let client = try DAPTestClient()
        let program = Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/worker.py"
        _ = try launch(client, program: program, breakpoints: [["line": 5]])
        let stop = try client.event("stopped")
        #expect(stop["threadId"] == 2)
        #expect(try client.event("thread") == ["reason": "started", "threadId": 2])
        let threads = try client.succeed("threads")["threads"]?.arrayValue ?? []
        #expect(threads.map { $0["name"] } == ["MainThread", "worker"])
        let stack = try client.succeed("stackTrace", ["threadId": 2])["stackFrames"]?.arrayValue ?? []
        #expect(stack.first?["name"] == "work")
        #expect(try client.request("stackTrace", ["threadId": 1])["message"] == "Thread 1 is running")
        try client.succeed("continue", ["threadId": 2])
        #expect(try client.event("exited")["exitCode"] == 0)
    }

    @Test func endsWhenTheServerGoesAway() throws {
        let session = try TracerSession("x = 1\n")
        let client = try DAPTestClient()
        try client.succeed("initialize", ["adapterID": "qdb"])
        try client.succeed("attach", [
            "url": .string("ws://127.0.0.1:\(session.server.clientPort)/{uuid}"), "uuid": .string(session.uuid),
        ])
        try client.succeed("configurationDone")
        _ = try client.event("stopped")
        session.server.process.kill()
        _ = try client.event("terminated")
        #expect(client.takeOutput().hasPrefix("qdb: "))
        #expect(try client.waitForClose())
        #expect(client.adapter.waitForExit() == 0)
    }

    /// dap-python's client drives qdb-dap on standard input and output,
    /// checking each message against its own models of the protocol.
    @Test(.enabled(if: tools != nil, "no dap-python: run the tests with make test"))
    func anIndependentClientDebugsOverStandardStreams() throws {
        let python = Self.toolsPython.contains("/") ? Self.toolsPython : try Executables.searchPath(for: Self.toolsPython)
        let script = Executables.packageRoot + "/Tests/EndToEndTests/DAPFixtures/dap_python_client.py"
        let client = try ChildProcess(
            python, [script, try Executables.path(of: "qdb-dap"), Self.program, "9"],
            environment: ["PYTHONPATH": Self.tools ?? ""])
        #expect(client.waitForExit(timeout: 60) == 0, "\(client.standardError)")
        let summary = try JSONParser.parse(client.standardOutput)
        #expect(summary == [
            "verified": [true], "reason": "breakpoint", "hit": [1],
            "frames": [["is_prime", 9], ["primes_up_to", 17], ["<module>", 24]],
            "locals": ["n": "7", "divisor": "2"], "exitCode": 0, "adapterStatus": 0,
        ])
    }
}
