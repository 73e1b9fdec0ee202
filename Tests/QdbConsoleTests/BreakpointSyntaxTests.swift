import QdbProtocol
import Testing
@testable import QdbConsole

@Suite struct BreakpointSyntaxTests {
    @Test(arguments: [
        ("b x.py:3", ["file": "x.py", "line": 3]),
        ("break /abs/dir/x.py:12", ["file": "/abs/dir/x.py", "line": 12]),
        ("b 9", ["file": "/work/app.py", "line": 9]),
        ("b x.py:3, n > 1", ["file": "x.py", "line": 3, "cond": "n > 1"]),
        ("b 4 ,  f(a, b) == 2 ", ["file": "/work/app.py", "line": 4, "cond": "f(a, b) == 2"]),
        ("b x.py:3,", ["file": "x.py", "line": 3]),
        ("b outer", ["func": "outer"]),
        ("b mod.helper, x", ["func": "mod.helper", "cond": "x"]),
        ("b {'file': 'x.py', 'line': 3}", ["file": "x.py", "line": 3]),
        (#"b {"line": 3, 'cond': 'a == "b"', 'func': None}"#, ["line": 3, "cond": #"a == "b""#, "func": .null]),
    ] as [(String, JSONValue)])
    func setsBreakpoints(line: String, payload: JSONValue) {
        #expect(interpret(line) == .send(.addBreak(payload)))
    }

    @Test func setsTemporaryBreakpoints() {
        #expect(interpret("tbreak x.py:3") == .send(.addBreak(["file": "x.py", "line": 3, "temp": true])))
        #expect(interpret("tbreak {'file': 'x.py', 'line': 3}")
            == .send(.addBreak(["file": "x.py", "line": 3, "temp": true])))
        #expect(interpret("tbreak {'line': 3, 'temp': False}") == .send(.addBreak(["line": 3, "temp": false])),
                "an explicit temp is kept")
    }

    @Test func clearsBreakpoints() {
        #expect(interpret("cl x.py:3") == .send(.deleteBreak(["file": "x.py", "line": 3])))
        #expect(interpret("cl {'file': 'x.py', 'line': 3}") == .send(.deleteBreak(["file": "x.py", "line": 3])))
        #expect(interpret("cl outer") == .send(.deleteBreak(["func": "outer"])))
        // As in pdb, numbers are breakpoint numbers, not lines.
        #expect(interpret("clear 7") == .sendAll([.deleteBreak(7)]))
        #expect(interpret("cl 2 5") == .sendAll([.deleteBreak(2), .deleteBreak(5)]))
    }

    @Test func asksBeforeClearingAll() {
        var session = stoppedSession()
        #expect(session.interpret("cl") == ConsoleAction.none)
        #expect(session.prompt == "Clear all breaks? ")
        #expect(session.interpret("YES") == .send(.deleteBreak(.null)))
        #expect(session.prompt == "(qdb) ")
        #expect(session.interpret("cl") == ConsoleAction.none)
        #expect(session.interpret("n") == ConsoleAction.none, "anything but yes keeps them")
        #expect(session.prompt == "(qdb) ")
    }

    /// An original tracer refuses `add_break`: it is sent again as the
    /// original's `set_break`, and later breakpoints go that way at once.
    @Test func fallsBackToTheOriginalMessagesForAnOriginalTracer() {
        var session = stoppedSession()
        #expect(session.interpret("b 9") == .send(.addBreak(["file": "/work/app.py", "line": 9])))
        #expect(session.handle(.request(.addBreak(["file": "/work/app.py", "line": 9])))
            == [.send(Message("add_break", ["file": "/work/app.py", "line": 9]))])
        let refusal = Event.error(ErrorInfo(type: "event", "Command add_break does not exist"))
        #expect(session.handle(.connection(.message(refusal.message))) == [
            .show([ConsoleLine("(an original qdb tracer: breakpoints are set, but not numbered)", .secondary)]),
            .send(Message("set_break", ["file": "/work/app.py", "line": 9])),
        ])
        #expect(session.sent("b 10") == [Message("set_break", ["file": "/work/app.py", "line": 10])])
        #expect(session.sent("cl 10") == [Message("delete_break", 10)], "numbers need the extension")
        #expect(session.show(.error(ErrorInfo(type: "event", "Command delete_break does not exist")))
            == ["*** error: delete_break: not supported by this tracer (an original qdb tracer?)"])
        #expect(session.sent("cl app.py:10") == [Message("clear_break", ["file": "app.py", "line": 10])])
    }

    @Test func leavesTheFileToTheTracerBeforeTheFirstStop() {
        #expect(interpret("b 3", in: ConsoleSession()) == .send(.addBreak(["line": 3])))
    }

    @Test func usesTheSelectedFrameForALineAlone() {
        var session = ConsoleSession()
        _ = session.render(.stack(Stack(index: 0, frames: [
            StackFrame(file: "/work/main.py", line: 1, function: "<module>", code: "run()"),
            StackFrame(file: "/work/lib.py", line: 5, function: "run", code: "pass"),
        ])))
        #expect(session.interpret("b 8") == .send(.addBreak(["file": "/work/main.py", "line": 8])))
    }

    @Test(arguments: [
        ("b x.py:abc", "b(reak)", "cannot read breakpoint 'x.py:abc': use FILE:LINE, LINE or FUNCTION"),
        ("b x.py:0", "b(reak)", "cannot read breakpoint 'x.py:0': use FILE:LINE, LINE or FUNCTION"),
        ("b -3", "b(reak)", "cannot read breakpoint '-3': use FILE:LINE, LINE or FUNCTION"),
        ("b :3", "b(reak)", "cannot read breakpoint ':3': use FILE:LINE, LINE or FUNCTION"),
        ("b x.py", "b(reak)", "missing line number: use x.py:LINE"),
        ("b 2bad", "b(reak)", "cannot read breakpoint '2bad': use FILE:LINE, LINE or FUNCTION"),
        ("b {'file': 'x.py'", "b(reak)", "invalid breakpoint dict: expected '}' (column 16)"),
        ("b {'line': 3} {}", "b(reak)", "invalid breakpoint dict: unexpected text after the literal (column 13)"),
        ("tbreak {1: 2}", "tbreak", "invalid breakpoint dict: dict keys must be strings (column 2)"),
        ("cl oops!", "cl(ear)", "cannot read breakpoint 'oops!': use FILE:LINE, LINE or FUNCTION"),
    ])
    func rejectsMalformedBreakpoints(line: String, usage: String, message: String) {
        #expect(interpret(line) == .error(.error(usage, message)))
    }
}
