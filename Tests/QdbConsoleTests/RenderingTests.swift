import QdbProtocol
import Testing
@testable import QdbConsole

extension ConsoleSession {
    /// Renders `events` in order, as plain text.
    mutating func show(_ events: Event...) -> [String] {
        events.flatMap { render($0) }.map(\.plainText)
    }

    /// What typing `line` sends, as a front end sends it: each command of
    /// its action through the client session.
    mutating func sent(_ line: String) -> [Message] {
        let commands: [Command]
        switch interpret(line) {
        case .send(let command): commands = [command]
        case .sendAll(let list): commands = list
        default: commands = []
        }
        return commands.flatMap { handle(.request($0)) }.compactMap { output in
            guard case .send(let message) = output else { return nil }
            return message
        }
    }
}

func programOutput(_ text: String, stream: String = PrintOutput.standardOutput) -> Event {
    .print(.programOutput(stream: stream, text))
}

@Suite struct StopRenderingTests {
    @Test func showsWhereTheProgramStoppedOnce() {
        var session = ConsoleSession()
        let stop = Event.stack(sampleStack)
        #expect(session.show(.watchlist([]), stop, .breakpoints([]), .watchlist([]), stop) == [
            "> /work/app.py(7)outer()", "-> doubled = n * 2",
        ], "attaching shows the current stop once")
        #expect(session.stack == sampleStack)
        #expect(session.show(stop) == [])
        _ = session.interpret("n")
        #expect(session.show(.watchlist([]), stop, .returnValue("3")) == [
            "> /work/app.py(7)outer()", "-> doubled = n * 2", "--> returning with 3",
        ], "a step shows the stop it leads to, even on the same line (an original tracer's return stop)")
    }

    /// With stop reasons, a return stop shows as pdb's, once its value
    /// comes; `where` and a return to the frame mark it too.
    @Test func showsAReturnStopAsPdbDoes() {
        var session = ConsoleSession()
        var stop = sampleStack
        stop.stop = StopReason(.return)
        _ = session.interpret("r")
        #expect(session.show(.watchlist([]), .stack(stop)) == [], "held until the value comes")
        #expect(session.show(.returnValue("14")) == [
            "--Return--", "> /work/app.py(7)outer()->14", "-> doubled = n * 2",
        ])
        #expect(session.show(.returnValue("14")) == ["--> returning with 14"], "no stop waits for it")
        guard case .show(let lines) = session.interpret("w") else {
            Issue.record("where shows the stack")
            return
        }
        #expect(lines.map(\.plainText) == [
            "  /work/app.py(13)<module>()", "-> y = outer(x)", "> /work/app.py(7)outer()->14", "-> doubled = n * 2",
        ])
        _ = session.interpret("n")
        stop.stop = StopReason(.line)
        #expect(session.show(.stack(stop)) == ["> /work/app.py(7)outer()", "-> doubled = n * 2"], "the next stop is not")
    }

    /// qdb's tracer sends the value with the stop, as pdb shows it (a
    /// repr); the `return` event after it adds nothing.
    @Test func showsAReturnStopWithItsValueAtOnce() {
        var session = ConsoleSession()
        var stop = sampleStack
        stop.stop = StopReason(.return, value: "'fourteen'")
        _ = session.interpret("r")
        #expect(session.show(.stack(stop)) == [
            "--Return--", "> /work/app.py(7)outer()->'fourteen'", "-> doubled = n * 2",
        ])
        #expect(session.show(.returnValue("fourteen")) == [])
        #expect(session.show(.returnValue("fourteen")) == ["--> returning with fourteen"], "no stop waits for it")
    }

    @Test func hidesTheAttachReplyEvenAfterAStepTypedEarly() {
        var session = ConsoleSession()
        let first = Event.stack(sampleStack)
        #expect(session.show(.watchlist([]), first).count == 2)
        _ = session.interpret("c")
        #expect(session.show(.breakpoints([]), .watchlist([]), first) == [], "the reply to start is no new stop")
        #expect(session.show(.breakpoints([]), .watchlist([])) == [])
        _ = session.interpret("n")
        #expect(session.show(first) == [], "nor when a step is typed in the middle of it")
    }

    @Test func showsAnotherClientsStops() {
        var session = stoppedSession()
        let moved = Stack(index: 0, frames: [StackFrame(file: "/work/app.py", line: 14, function: "<module>", code: "z()")])
        #expect(session.show(.stack(moved)) == ["> /work/app.py(14)<module>()", "-> z()"])
    }

    @Test func showsExceptionsWithTheirTraceback() {
        var session = stoppedSession()
        let exception = ExceptionInfo(type: "ValueError", value: "bad value 3", traceback: [
            "  File \"/work/app.py\", line 6, in <module>\n    boom(3)\n",
            "  File \"/work/app.py\", line 2, in boom\n    raise ValueError('bad value %d' % v)\n",
        ])
        #expect(session.show(.exception(exception)) == [
            "--* ValueError: bad value 3",
            "Traceback (most recent call last):",
            "  File \"/work/app.py\", line 6, in <module>",
            "    boom(3)",
            "  File \"/work/app.py\", line 2, in boom",
            "    raise ValueError('bad value %d' % v)",
        ])
        #expect(session.show(.exception(ExceptionInfo(type: "StopIteration", value: "", traceback: []))) == [
            "--* StopIteration",
        ])
    }

    @Test func showsTheEndOfTheSession() {
        var session = stoppedSession()
        #expect(session.show(.disabled) == [])
        #expect(session.show(.disable(.null)) == ["Disabled, goodbye."])
    }

    @Test func showsUnexpectedMessagesAsErrors() {
        var session = stoppedSession()
        #expect(session.show(.other(Message("frobnicate", 1))) == [
            #"*** error: unexpected message: {"e": "frobnicate", "p": 1}"#,
        ])
    }
}

@Suite struct WatchlistRenderingTests {
    @Test func showsTheWatchlistWhenItChanges() {
        var session = stoppedSession()
        let watched: [WatchEntry] = [
            WatchEntry(expression: "x", value: 1),
            WatchEntry(expression: "name", value: "qdb"),
            WatchEntry(expression: "y", exception: "NameError", value: "NameError: name 'y' is not defined"),
        ]
        #expect(session.show(.watchlist(watched)) == [
            "watchlist: [", "  > x: 1", "  > name: 'qdb'", "  > *** error: y: NameError: name 'y' is not defined", "]",
        ])
        #expect(session.show(.watchlist(watched)) == [], "an unchanged watchlist is not shown again")
        #expect(session.show(.watchlist([])) == ["watchlist: [", "]"], "emptying it is a change")
        #expect(session.show(.watchlist([])) == [])
    }
}

@Suite struct OutputRenderingTests {
    @Test func joinsTheProgramsWritesIntoLines() {
        var session = stoppedSession()
        #expect(session.show(programOutput("y is"), programOutput(" "), programOutput("3")) == [])
        #expect(session.show(programOutput("\n")) == ["y is 3"])
        #expect(session.show(programOutput("a\nb\n\nc")) == ["a", "b", ""])
        #expect(session.flush().map(\.plainText) == ["c"])
        #expect(session.flush() == [])
    }

    @Test func showsAPartialLineBeforeTheNextStop() {
        var session = stoppedSession()
        _ = session.interpret("n")
        #expect(session.show(programOutput("Enter a number: "), .stack(sampleStack)) == [
            "Enter a number: ", "> /work/app.py(7)outer()", "-> doubled = n * 2",
        ])
    }

    @Test func keepsStandardErrorApart() {
        var session = stoppedSession()
        let lines = [programOutput("out"), programOutput("err\n", stream: "<stderr>"), programOutput("more\n")]
            .flatMap { session.render($0) }
        #expect(lines == [ConsoleLine("out"), ConsoleLine("err", .standardError), ConsoleLine("more")])
        #expect(session.show(programOutput("", stream: "<stderr>")) == [])
    }

    @Test func showsOurEvaluationsAsPdbDoes() {
        var session = stoppedSession()
        _ = session.sent("x * 10")
        #expect(session.show(.print(.evaluation(input: "x * 10", exception: nil, output: "10"))) == ["10"])
        _ = session.sent("1/0")
        let failure = PrintOutput.evaluation(
            input: "1/0", exception: "ZeroDivisionError", output: "ZeroDivisionError: division by zero")
        #expect(session.render(.print(failure)) == [ConsoleLine("*** ZeroDivisionError: division by zero", .error)])
        _ = session.sent("done = True")
        #expect(session.show(.print(.evaluation(input: "done = True", exception: nil, output: ""))) == [])
        _ = session.sent("print('hi'); print('there')")
        #expect(session.show(.print(.evaluation(input: "print('hi'); print('there')", exception: nil,
                                                output: "hi\nthere"))) == ["hi", "there"])
    }

    @Test func showsWhatAnotherClientEvaluated() {
        var session = stoppedSession()
        _ = session.sent("mine")
        #expect(session.show(.print(.evaluation(input: "theirs", exception: nil, output: "1"))) == [">>> theirs", "1"])
        #expect(session.show(.print(.evaluation(input: 42, exception: "TypeError", output: "TypeError: no"))) == [
            ">>> 42", "*** TypeError: no",
        ])
        #expect(session.show(.print(.evaluation(input: "mine", exception: nil, output: "2"))) == ["2"])
        #expect(session.show(.print(.evaluation(input: "mine", exception: nil, output: "2"))) == [">>> mine", "2"],
                "each of our evaluations has one reply")
    }
}

@Suite struct ListingRenderingTests {
    let source = "a = 1\nb = 2\nc = 3"

    @Test func numbersOurListingsAndMarksTheCurrentLine() {
        var session = stoppedSession()
        _ = session.sent("l 6 8")
        #expect(session.show(.list(source)) == ["  6  \ta = 1", "  7  ->\tb = 2", "  8  \tc = 3"])
        _ = session.sent("l other.py")
        #expect(session.show(.list(source)) == ["  1  \ta = 1", "  2  \tb = 2", "  3  \tc = 3"])
    }

    @Test func showsOtherListingsAsText() {
        var session = stoppedSession()
        #expect(session.show(.list(source)) == ["a = 1", "b = 2", "c = 3"])
    }

    @Test func forgetsAListingThatFailed() {
        var session = stoppedSession()
        _ = session.interpret("l nowhere.py")
        #expect(session.show(.error(ErrorInfo(type: "list", "File nowhere.py does not exist"))) == [
            "*** error: list: File nowhere.py does not exist",
        ])
        #expect(session.show(.list(source)) == ["a = 1", "b = 2", "c = 3"])
    }
}

@Suite struct ReportRenderingTests {
    @Test func showsErrorsAsTheOriginalDid() {
        var session = stoppedSession()
        #expect(session.show(.error(ErrorInfo(type: "up", "Oldest frame"))) == ["*** error: up: Oldest frame"])
        let condition = ConditionFailure(
            condition: "undefined_c > 0", line: 4, exception: "NameError",
            output: "NameError: name 'undefined_c' is not defined")
        #expect(session.show(.error(ErrorInfo(type: "condition", data: condition.json))) == [
            "*** error: condition: undefined_c > 0 (line 4): NameError: name 'undefined_c' is not defined",
        ])
        #expect(session.show(.error(ErrorInfo(type: "odd", data: [1, 2]))) == ["*** error: odd: [1, 2]"])
    }

    @Test func showsBreakpointsWhenThereAreAny() {
        var session = stoppedSession()
        #expect(session.show(.breakpoints([])) == [])
        #expect(session.show(.breakpoints([
            BreakpointInfo(file: "/work/app.py", line: 4),
            BreakpointInfo(file: "/work/app.py", line: 9, temporary: true, condition: "n > 1", function: "outer"),
        ])) == ["breakpoints: [", "  > /work/app.py:4", "  > /work/app.py:9 temp if n > 1 in outer", "]"])
    }

    @Test func showsLocals() {
        var session = stoppedSession()
        #expect(session.show(.locals(JSONObject([("a", 2), ("s", "x"), ("__return__", .null)]))) == [
            "locals: [", "  > a: 2", "  > s: 'x'", "  > __return__: None", "]",
        ])
    }

    @Test func colorsOnlyWhenAsked() {
        var session = ConsoleSession()
        let lines = session.render(.stack(sampleStack))
        #expect(lines.map { $0.text(colored: false) } == ["> /work/app.py(7)outer()", "-> doubled = n * 2"])
        #expect(lines[0].text(colored: true)
            == "\u{1B}[1;32m> \u{1B}[0m\u{1B}[1;36m/work/app.py(7)\u{1B}[0m\u{1B}[2mouter()\u{1B}[0m")
        #expect(ConsoleLine("plain").ansiText == "plain")
    }
}
