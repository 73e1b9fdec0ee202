#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QdbProtocol
import QdbTestSupport
import Testing

/// pdb's command language as the extensions carry it, through the real
/// binaries: numbered breakpoints kept by the tracer, breakpoint commands
/// run in the tracer, and what pdb shows of a frame.
@Suite struct PdbEndToEndTests {
    static let program = """
        def scale(n, *rest, factor=2, **options):
            result = n * factor
            return result


        total = 0
        for i in range(6):
            total += scale(i)
        print('total', total)
        """

    /// The payload of the first message named `name`.
    private func payload(_ name: String, in messages: [Message]) throws -> JSONValue {
        try #require(messages.first { $0.name == name }, "no \(name) in \(messages.map { $0.json.serialized() })").payload
    }

    private func change(in messages: [Message]) throws -> BreakpointChangeInfo {
        try #require(BreakpointChangeInfo(json: payload("break", in: messages)))
    }

    @Test func numbersBreakpointsAndChangesThemAsPdbDoes() throws {
        let session = try TracerSession(Self.program)
        try session.attach()
        let file = session.programPath
        try session.send("add_break", ["file": .string(file), "line": 2])
        let set = try change(in: session.receive(through: "break"))
        #expect(set.action == .set && set.breakpoint.number == 1 && set.breakpoint.location.line == 2)
        try session.send("add_break", ["file": .string(file), "line": 4])
        #expect(try payload("error", in: session.receive(through: "error"))["data"] == "Blank or comment")
        try session.send("add_break", ["file": .string(file), "line": 8, "cond": "i >"])
        #expect(try payload("error", in: session.receive(through: "error"))["data"]
            == "Invalid condition i >: 'SyntaxError: invalid syntax'")
        try session.send("update_break", ["number": 7, "enabled": false])
        #expect(try payload("error", in: session.receive(through: "error"))["data"] == "Breakpoint number 7 out of range")

        // ignore 1 2: the first two crossings pass.
        try session.send("update_break", ["number": 1, "ignore": 2])
        #expect(try change(in: session.receive(through: "break")).breakpoint.ignoreCount == 2)
        #expect(try session.stop(after: "continue").0 == "scale:2")
        #expect(try session.evaluate("n") == "2")
        try session.send("breaks")
        let table = try #require(payload("breaks", in: session.receive(through: "breaks")).arrayValue)
        let first = try #require(NumberedBreakpoint(json: table[0]))
        #expect(first.hits == 3 && first.ignoreCount == 0 && first.isEnabled)

        // A condition set afterwards, then disabled: the program runs to its end.
        try session.send("update_break", ["number": 1, "cond": "n == 4"])
        #expect(try change(in: session.receive(through: "break")).breakpoint.location.condition == "n == 4")
        #expect(try session.stop(after: "continue").0 == "scale:2")
        #expect(try session.evaluate("n") == "4")
        try session.send("update_break", ["number": 1, "enabled": false])
        #expect(try change(in: session.receive(through: "break")).action == .disabled)
        try session.send("delete_break", 1)
        #expect(try change(in: session.receive(through: "break")).action == .deleted)
        try session.send("delete_break", 1)
        #expect(try payload("error", in: session.receive(through: "error"))["data"] == "Breakpoint 1 already deleted")
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "total 30\n")
    }

    /// Two qdb-cli clients on one session: a breakpoint either sets has
    /// one number, and both list the same table.
    @Test func twoClientsSeeTheSameNumberedBreakpoints() throws {
        let session = try TracerSession(Self.program)
        let home = try makeScratchDirectory("qdb-two-clients")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let clients = try (0..<2).map { _ in
            try PseudoTerminal(
                executable: try Executables.path(of: "qdb-cli"),
                arguments: ["-w", "ws://127.0.0.1:\(session.server.clientPort)/{uuid}", "-u", session.uuid],
                environment: ["HOME": home, "TERM": "dumb", "PATH": "/usr/bin:/bin"])
        }
        defer { unlink("/tmp/qdb/.\(session.uuid)") }
        let file = session.programPath
        for client in clients {
            try client.waitFor("> \(file)(1)<module>()")
        }
        clients[0].type("b 8\r")
        try clients[0].waitFor("Breakpoint 1 at \(file):8")
        clients[1].type("b 2, n > 3\r")
        try clients[1].waitFor("Breakpoint 2 at \(file):2")
        let table = """
            Num Type         Disp Enb   Where
            1   breakpoint   keep yes   at \(file):8
            2   breakpoint   keep yes   at \(file):2
            \tstop only if n > 3
            """
        for client in clients {
            client.type("b\r")
            try client.waitFor(table)
        }
        clients[1].type("q\r")
        for client in clients {
            #expect(try client.waitForExit(timeout: .seconds(20)) == 0)
        }
    }

    @Test func runsBreakpointCommandsInTheTracer() throws {
        let session = try TracerSession(Self.program)
        try session.attach()
        try session.send("add_break", ["file": .string(session.programPath), "line": 3])
        _ = try session.receive(through: "break")
        // Silent, printing and continuing: the program never shows as stopped.
        try session.send("update_break", ["number": 1, "commands": ["silent", "p result", "continue"]])
        _ = try session.receive(through: "break")
        try session.send("add_break", ["file": .string(session.programPath), "line": 9, "temp": true])
        _ = try session.receive(through: "break")
        let (location, messages) = try session.stop(after: "continue")
        #expect(location == "<module>:9")
        let printed = messages.compactMap { $0.name == "print" ? PrintOutput(json: $0.payload) : nil }
            .filter { !$0.isProgramOutput }.map(\.output)
        #expect(printed == ["0", "2", "4", "6", "8", "10"])
        #expect(messages.filter { $0.name == "stack" }.count == 1, "silent stops are not shown")
        // The temporary breakpoint said it was deleted as it fired, before the stop.
        let deleted = try change(in: messages)
        #expect(deleted.action == .deleted && deleted.breakpoint.number == 2)
        try session.send("continue")
        _ = try session.receiveUntilEnd()
    }

    @Test func showsArgumentsReturnValuesTypesAndSource() throws {
        let session = try TracerSession(Self.program)
        try session.attach()
        try session.send("add_break", ["file": .string(session.programPath), "line": 2])
        _ = try session.receive(through: "break")
        #expect(try session.stop(after: "continue").0 == "scale:2")
        try session.send("args")
        let arguments = try #require(payload("args", in: session.receive(through: "args")).arrayValue)
        #expect(arguments.compactMap(NamedValue.init(json:)).map { "\($0.name) = \($0.value)" }
            == ["n = 0", "factor = 2", "rest = ()", "options = {}"])
        try session.send("retval")
        #expect(try payload("error", in: session.receive(through: "error"))["data"] == "Not yet returned!")
        for (expression, answer) in [("scale", "Function scale"), ("n", "<class 'int'>"), ("int", "Class builtins.int")] {
            try session.send("whatis", .string(expression))
            #expect(try payload("whatis", in: session.receive(through: "whatis")) == .string(answer))
        }
        try session.send("whatis", "nothing_here")
        #expect(try payload("error", in: session.receive(through: "error"))["data"]
            == "NameError: name 'nothing_here' is not defined")
        try session.send("source")
        let source = try #require(SourceLines(json: payload("source", in: session.receive(through: "source"))))
        #expect(source.firstLine == 1 && source.lines.count == 3 && source.lines[0].hasPrefix("def scale("))
        try session.send("source", "3")
        #expect(try payload("error", in: session.receive(through: "error"))["data"]
            == "module, class, method, function, traceback, frame, or code object was expected, got int")

        // display: shown again at a stop in the function when it changed.
        try session.send("display", "n * 10")
        let shown = try #require(DisplayInfo(json: payload("display", in: session.receive(through: "display"))))
        #expect(shown.entries == [NamedValue(name: "n * 10", value: "0")] && !shown.changedOnly)
        #expect(try session.stop(after: "continue").0 == "scale:2")
        let changed = try #require(DisplayInfo(json: payload("display", in: session.receive(through: "display"))))
        #expect(changed.changedOnly && changed.entries == [NamedValue(name: "n * 10", value: "10", old: "0")])

        // until 3 runs to the return line; then the return stop has a retval.
        #expect(try session.stop(after: "until", 3).0 == "scale:3")
        try session.send("until", 1)
        #expect(try payload("error", in: session.receive(through: "error"))["data"]
            == "\"until\" line number is smaller than current line number")
        #expect(try session.stop(after: "step").0 == "scale:3")
        try session.send("retval")
        #expect(try payload("retval", in: session.receive(through: "retval")) == "2")
        try session.send("complete", "fac")
        let completions = try #require(Completions(json: payload("completions", in: session.receive(through: "completions"))))
        #expect(completions.matches == ["factor"])
        try session.send("complete", "options.ke")
        #expect(try Completions(json: payload("completions", in: session.receive(through: "completions")))?.matches
            == ["options.keys"])
        // A location (after `b`): the program's files too, from its
        // working directory.
        try session.send("complete", ["text": "prog", "locations": true])
        #expect(try Completions(json: payload("completions", in: session.receive(through: "completions")))?.matches
            == ["program.py:"])
        try session.send("disable", "soft")
        _ = try session.receiveUntilEnd()
    }

    @Test func jumpsInTheBottomFrameOnly() throws {
        let session = try TracerSession("""
            x = 1
            x = 2
            x = 3
            print('x is', x)
            """)
        try session.attach()
        #expect(try session.stop(after: "jump", 3).0 == "<module>:3")
        #expect(try session.stop(after: "next").0 == "<module>:4")
        #expect(try session.evaluate("x") == "3", "x = 2 was skipped")
        try session.send("jump", 9)
        let error = try payload("error", in: session.receive(through: "error"))
        #expect(error["type"] == "jump")
        #expect(error["data"]?.stringValue?.hasPrefix("Jump failed: ") == true)
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "x is 3\n")
    }
}
