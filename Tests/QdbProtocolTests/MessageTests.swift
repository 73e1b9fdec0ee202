import Testing
@testable import QdbProtocol

@Suite struct MessageTests {
    @Test func missingPayloadIsNullAndExtraKeysAreDropped() throws {
        let message = try Message(text: #"{"e": "step", "x": 1}"#)
        #expect(message == Message("step"))
        #expect(message.serialized() == #"{"e": "step", "p": null}"#)
    }

    @Test func appendsTheSameTextAsTheJSONForm() throws {
        let message = try Message(text: #"{"p": {"b": [1, 2.50, "é\n"], "a": null}, "e": "print", "z": 0}"#)
        var output: [UInt8] = Array("prefix".utf8)
        message.append(to: &output)
        #expect(output == Array("prefix".utf8) + message.json.serializedBytes())
        #expect(message.serializedBytes() == message.json.serializedBytes())
    }

    @Test func keepsNonStringEvents() throws {
        let message = try Message(text: #"{"e": 5, "p": [1]}"#)
        #expect(message.event == 5)
        #expect(message.name == nil)
        #expect(Command(message) == .unknown(message))
    }

    @Test func reportsWhyAFrameIsNotAMessage() {
        #expect(throws: MessageError.missingEvent) { try Message(text: #"{"p": 1}"#) }
        #expect(throws: MessageError.notAnObject([1, 2])) { try Message(text: "[1, 2]") }
        #expect(MessageError.missingEvent.description == "No 'e' field sent")
        do {
            _ = try Message(text: "{bad")
            Issue.record("expected an error")
        } catch {
            guard case .invalidJSON = error else {
                Issue.record("wrong error \(error)")
                return
            }
        }
    }

    @Test func commandsRoundTrip() {
        let commands: [Command] = [
            .start("s3cret"), .step, .next, .until(.null), .until(9), .return, .continue, .eval("x"), .pprint("x"),
            .setWatch(["a"]), .clearWatch(["a"]), .setBreak(["file": "f.py", "line": 3]),
            .clearBreak(["line": 3]), .list([:]), .up, .down, .locals, .pause(.null), .pause(2), .threads, .thread(2),
            .catch("ValueError"), .uncatch(.null), .stopAllThreads(true), .disable("soft"), .disabled,
        ]
        for command in commands {
            #expect(Command(command.message) == command)
        }
        #expect(Command(Message("error", "x")) == .unknown(Message("error", "x")))
    }

    @Test func eventsParseTheirPayloads() throws {
        let stack = try Message(text: #"""
            {"e":"stack","p":{"index":1,"stack":[
             {"file":"/a.py","line":13,"func":"<module>","code":"y = outer(x)"},
             {"file":"/a.py","line":7,"func":"outer","code":"    doubled = n * 2"}]}}
            """#)
        guard case .stack(let parsed) = Event(stack) else {
            Issue.record("not a stack")
            return
        }
        #expect(parsed.selectedFrame?.function == "outer")
        #expect(Event(stack).message == stack)

        let watch = try Message(text: #"{"e":"watchlist","p":[{"expr":"i","exc":"NameError","value":"NameError: x"}]}"#)
        #expect(Event(watch) == .watchlist([WatchEntry(expression: "i", exception: "NameError", value: "NameError: x")]))

        let print = Message("print", ["input": "<stdout>", "exc": false, "output": "hi"])
        #expect(Event(print) == .print(.programOutput(stream: "<stdout>", "hi")))

        let breakpoints = Message("breakpoints", [["file": "/a.py", "line": 4, "temp": .null, "cond": "i == 2", "func": .null]])
        #expect(Event(breakpoints) == .breakpoints([BreakpointInfo(file: "/a.py", line: 4, condition: "i == 2")]))
        #expect(Event(breakpoints).message == breakpoints)
    }

    @Test func malformedEventPayloadsStayRaw() {
        let odd = Message("stack", "not a stack")
        #expect(Event(odd) == .other(odd))
    }
}

@Suite struct TracerStartTests {
    @Test func acceptsAValidStart() throws {
        let start = try TracerStart(validating: Message("start", ["uuid": "u", "auth": "a", "local": [12, 31]]))
        #expect(start == TracerStart(uuid: "u", auth: "a", pid: 12, pauseSignal: 31))
        #expect(start.isLocal)
        #expect(try TracerStart(validating: start.message) == start)
    }

    @Test func missingAuthMeansEmptyAndOtherTypesMatchNothing() throws {
        #expect(try TracerStart(validating: Message("start", ["uuid": "u", "local": [0, 0]])).auth == "")
        #expect(try TracerStart(validating: Message("start", ["uuid": "u", "auth": 5, "local": [0, 0]])).auth == nil)
    }

    @Test func checksInTheOriginalOrder() {
        #expect(throws: TracerStartError.notStart) { try TracerStart(validating: Message("hello")) }
        #expect(throws: TracerStartError.missingLocal) { try TracerStart(validating: Message("start", ["auth": "x"])) }
        #expect(throws: TracerStartError.missingUUID) { try TracerStart(validating: Message("start", ["local": [0, 0]])) }
        #expect(TracerStartError.missingLocal.description == "Missing 'local' field")
    }
}
