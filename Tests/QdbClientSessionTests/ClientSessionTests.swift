import QdbProtocol
import Testing
import QdbClientSession

private func received(_ event: Event) -> ClientSession.Input {
    .connection(.message(event.message))
}

private func received(_ name: String, _ payload: JSONValue = .null) -> ClientSession.Input {
    .connection(.message(Message(name, payload)))
}

private func error(_ type: String, _ data: String) -> ClientSession.Input {
    received(.error(ErrorInfo(type: type, data)))
}

private let stack = Stack(index: 0, frames: [StackFrame(file: "/app.py", line: 3, function: "<module>", code: "x = 1")])
private let otherThreadStack = Stack(
    index: 0, frames: [StackFrame(file: "/app.py", line: 9, function: "work", code: "    y = 2")],
    thread: ThreadInfo(id: 2, name: "worker"))

extension ClientSession {
    mutating func feed(_ inputs: Input...) -> [Output] {
        inputs.flatMap { handle($0) }
    }

    /// The updates among `outputs`.
    static func updates(_ outputs: [Output]) -> [Update] {
        outputs.compactMap { output in
            guard case .update(let update) = output else { return nil }
            return update
        }
    }
}

@Suite struct ReplyMatchingTests {
    @Test func anEvalReplyIsOursOnlyWhenItEchoesOurInput() {
        var session = ClientSession(address: "ws://h/u")
        #expect(session.handle(.request(.eval("n"))) == [.send(Message("eval", "n"))])
        let others = PrintOutput(input: "x", exception: .null, output: "1")
        let ours = PrintOutput(input: "n", exception: .null, output: "3")
        #expect(session.handle(received(.print(others))) == [.update(.event(.print(others), answering: nil))])
        #expect(session.handle(received(.print(ours))) == [.update(.event(.print(ours), answering: .eval("n")))])
        #expect(session.handle(received(.print(ours))) == [.update(.event(.print(ours), answering: nil))],
                "one reply per request")
    }

    @Test func programOutputAnswersNothing() {
        var session = ClientSession(address: "ws://h/u")
        _ = session.handle(.request(.eval(.string(PrintOutput.standardOutput))))
        let output = PrintOutput.programOutput(stream: PrintOutput.standardOutput, "hello")
        #expect(session.handle(received(.print(output))) == [.update(.event(.print(output), answering: nil))])
    }

    @Test func repliesAndErrorsAnswerTheOldestRequestOfTheirKind() {
        var session = ClientSession(address: "ws://h/u")
        let first: JSONValue = ["file": "/a.py", "start": 0, "end": 11]
        let second: JSONValue = ["file": "/b.py"]
        _ = session.feed(.request(.list(first)), .request(.locals), .request(.list(second)))
        #expect(session.handle(error("list", "File /a.py does not exist"))
            == [.update(.event(.error(ErrorInfo(type: "list", "File /a.py does not exist")), answering: .list(first)))])
        #expect(session.handle(received("locals", .object(JSONObject()))) == [.update(.event(.locals(JSONObject()), answering: .locals))])
        #expect(session.handle(received("list", "text")) == [.update(.event(.list("text"), answering: .list(second)))])
    }

    @Test func displaysShownAtAStopAnswerNothing() {
        var session = ClientSession(address: "ws://h/u")
        _ = session.handle(.request(.display("n")))
        let changed = DisplayInfo(changedOnly: true, entries: [NamedValue(name: "n", value: "2", old: "1")])
        let asked = DisplayInfo(changedOnly: false, entries: [NamedValue(name: "n", value: "2")])
        #expect(session.handle(received(.display(changed))) == [.update(.event(.display(changed), answering: nil))])
        #expect(session.handle(received(.display(asked))) == [.update(.event(.display(asked), answering: .display("n")))])
    }
}

@Suite struct SessionModelTests {
    @Test func stopsAndRuns() {
        var session = ClientSession(address: "ws://h/u")
        #expect(session.model.phase == .attaching)
        _ = session.feed(received(.watchlist([])), received(.stack(stack)))
        #expect(session.model.phase == .stopped)
        #expect(session.model.selectedFrame?.line == 3)
        _ = session.handle(.request(.next))
        #expect(session.model.phase == .running)
        _ = session.handle(.request(.locals))
        #expect(session.model.phase == .running, "a request that does not move the program leaves it running")
        let moved = Stack(index: 0, frames: [StackFrame(file: "/app.py", line: 4, function: "<module>", code: "y = 2")])
        let outputs = session.handle(received(.stack(moved)))
        #expect(outputs == [.update(.event(.stack(moved), answering: .next))])
        #expect(session.model.phase == .stopped && session.model.stack == moved)
    }

    @Test func switchesThreads() {
        var session = ClientSession(address: "ws://h/u")
        _ = session.feed(received(.stack(stack)), .request(.thread(2)))
        #expect(session.handle(received(.stack(otherThreadStack)))
            == [.update(.event(.stack(otherThreadStack), answering: .thread(2)))])
        #expect(session.model.stack?.thread?.id == 2)
        _ = session.handle(.request(.thread(7)))
        let refused = ErrorInfo(type: "thread", "No thread 7")
        #expect(session.handle(received(.error(refused))) == [.update(.event(.error(refused), answering: .thread(7)))])
        #expect(session.model.stack?.thread?.id == 2, "a refused switch leaves the selected thread")
    }

    @Test func keepsTheNumberedBreakpoints() {
        var session = ClientSession(address: "ws://h/u")
        let one = NumberedBreakpoint(number: 1, location: BreakpointInfo(file: "/app.py", line: 3))
        let two = NumberedBreakpoint(number: 2, location: BreakpointInfo(file: "/app.py", line: 5))
        _ = session.feed(.request(.addBreak(["file": "/app.py", "line": 5])))
        _ = session.feed(received(.breaks([one])), received(.breakChanged(BreakpointChangeInfo(.set, two))))
        #expect(session.model.breakpoints == [one, two])
        #expect(session.model.tracerKind == .extended)
        _ = session.handle(received(.breakChanged(BreakpointChangeInfo(.deleted, one))))
        #expect(session.model.breakpoints == [two])
    }
}

@Suite struct OriginalTracerTests {
    @Test func breakpointsGoTheOriginalWayOnceRefused() {
        var session = ClientSession(address: "ws://h/u")
        let place: JSONValue = ["file": "/app.py", "line": 5]
        _ = session.handle(.request(.addBreak(place)))
        #expect(session.handle(error("event", "Command add_break does not exist"))
            == [.update(.originalTracer), .send(Message("set_break", place))])
        #expect(session.model.tracerKind == .original)
        #expect(session.handle(.request(.addBreak(place))) == [.send(Message("set_break", place))])
        #expect(session.handle(.request(.deleteBreak(place))) == [.send(Message("clear_break", place))])
        #expect(session.handle(.request(.deleteBreak(1))) == [.send(Message("delete_break", 1))],
                "clearing by number has no original form")
        #expect(session.handle(error("event", "Command delete_break does not exist"))
            == [.update(.unsupported(name: "delete_break", request: .deleteBreak(1)))])
    }

    /// A block of `interact` refused goes again as `eval`, in the frame.
    @Test func interactGoesAsEvalOnceRefused() {
        var session = ClientSession(address: "ws://h/u")
        let block: JSONValue = ["source": "x = 1", "fresh": true]
        #expect(session.handle(.request(.interact(block))) == [.send(Message("interact", block))])
        #expect(session.handle(error("event", "Command interact does not exist"))
            == [.update(.originalTracer), .send(Message("eval", "x = 1"))])
        #expect(session.handle(.request(.interact(["source": "x"]))) == [.send(Message("eval", "x"))])
    }

    @Test func otherExtensionsAreUnsupported() {
        var session = ClientSession(address: "ws://h/u")
        _ = session.handle(.request(.threads))
        #expect(session.handle(error("event", "Command threads does not exist"))
            == [.update(.unsupported(name: "threads", request: .threads))])
        #expect(session.model.phase == .attaching, "the session goes on")
        #expect(session.handle(error("event", "Command frobnicate does not exist"))
            == [.update(.event(.error(ErrorInfo(type: "event", "Command frobnicate does not exist")), answering: nil))],
                "not an extension: shown as the error it is")
    }
}

@Suite struct SessionEndTests {
    @Test func attachesWithItsAuthMessage() {
        var session = ClientSession(address: "ws://h/u", authMessage: "token")
        #expect(session.handle(.connected) == [.send(Message("start", "token")), .send(Message("stop_reasons", true))])
        #expect(session.model.phase == .attaching)
    }


    @Test func aQuitEndsWhenTheServerConfirms() {
        var session = ClientSession(address: "ws://h/u")
        #expect(session.handle(.request(.disable("soft"))) == [.send(Message("disable", "soft"))])
        #expect(session.handle(received("disable")) == [.update(.event(.disable(.null), answering: nil)), .ended(.sessionOver)])
        #expect(session.model.phase == .ended(.sessionOver))
        #expect(session.handle(.connection(.closed(.connectionDropped))) == [], "nothing after the end")
    }

    @Test func aQuitNotConfirmedEndsWhenAbandoned() {
        var session = ClientSession(address: "ws://h/u")
        #expect(session.handle(.abandonQuit) == [], "no quit to abandon")
        _ = session.handle(.request(.disable("hard")))
        #expect(session.handle(.abandonQuit) == [.ended(.quitUnconfirmed)])
    }

    @Test func aConnectionThatDropsMidRequestEndsTheSession() {
        var session = ClientSession(address: "ws://h/u")
        _ = session.feed(received(.stack(stack)), .request(.eval("slow()")))
        #expect(session.handle(.connection(.closed(.connectionDropped)))
            == [.ended(.failed(.connectionLost(address: "ws://h/u")))])
        #expect(session.handle(.request(.next)) == [], "no request goes out after the end")
    }

    @Test func theServersReasonBecomesTheEnd() {
        var session = ClientSession(address: "ws://h/u")
        #expect(session.handle(error("tracer", "No tracer")) == [], "held back until the session ends")
        #expect(session.handle(received("disable")) == [.ended(.failed(.sessionEnded("No tracer")))])

        var refused = ClientSession(address: "ws://h/u")
        _ = refused.handle(error("auth", "Authentication failed"))
        #expect(refused.handle(.connection(.closed(.closeFrame(status: nil))))
            == [.ended(.failed(.authenticationRefused("Authentication failed")))])
    }

    @Test func anErrorFollowedByMoreIsShownLate() {
        var session = ClientSession(address: "ws://h/u")
        _ = session.handle(error("socket", "odd"))
        #expect(session.handle(received(.stack(stack))) == [
            .update(.event(.error(ErrorInfo(type: "socket", "odd")), answering: nil)),
            .update(.event(.stack(stack), answering: nil)),
        ])
    }
}
