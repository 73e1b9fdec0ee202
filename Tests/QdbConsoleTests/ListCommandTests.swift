import QdbProtocol
import Testing
@testable import QdbConsole

@Suite struct ListCommandTests {
    @Test(arguments: [
        ("l", ["file": "/work/app.py", "start": 1, "end": 12]),
        ("list 20", ["file": "/work/app.py", "start": 14, "end": 25]),
        ("l 3", ["file": "/work/app.py", "start": 0, "end": 11]),
        ("l 10 12", ["file": "/work/app.py", "start": 9, "end": 12]),
        ("l 10, 12", ["file": "/work/app.py", "start": 9, "end": 12]),
        ("l 10 3", ["file": "/work/app.py", "start": 9, "end": 13]),
        ("l other.py", ["file": "other.py"]),
        ("l other.py 5", ["file": "other.py", "start": 0, "end": 11]),
        ("l other.py 2 4", ["file": "other.py", "start": 1, "end": 4]),
    ] as [(String, JSONValue)])
    func requestsLines(line: String, payload: JSONValue) {
        #expect(interpret(line) == .send(.list(payload)))
    }

    @Test func goesOnWhereTheLastListingStopped() {
        var session = stoppedSession()
        #expect(session.interpret("l") == .send(.list(["file": "/work/app.py", "start": 1, "end": 12])))
        #expect(session.interpret("l") == .send(.list(["file": "/work/app.py", "start": 12, "end": 23])))
        #expect(session.interpret("") == .send(.list(["file": "/work/app.py", "start": 23, "end": 34])))
        #expect(session.interpret("n") == .send(.next))
        #expect(session.interpret("l") == .send(.list(["file": "/work/app.py", "start": 1, "end": 12])),
                "a step lists around the current line again")
    }

    @Test func startsAgainAtANewStop() {
        var session = stoppedSession()
        _ = session.interpret("l")
        _ = session.render(.stack(Stack(index: 0, frames: [
            StackFrame(file: "/work/app.py", line: 40, function: "<module>", code: "done()"),
        ])))
        #expect(session.interpret("l") == .send(.list(["file": "/work/app.py", "start": 34, "end": 45])))
    }

    @Test func rejectsBadArguments() {
        let usage = "l(ist)"
        let badNumbers = "START and END must be line numbers, as in: l [FILE] [START [END]]"
        #expect(interpret("l app.py x") == .error(.error(usage, badNumbers)))
        #expect(interpret("l 1 2 3") == .error(.error(usage, badNumbers)))
        #expect(interpret("l 0") == .error(.error(usage, badNumbers)))
        #expect(interpret("l", in: ConsoleSession()) == .error(.error(usage, "no current file yet: give a FILE")))
        #expect(interpret("l 4", in: ConsoleSession()) == .error(.error(usage, "no current file yet: give a FILE")))
    }
}
