import QdbConsole
import QdbProtocol
import Testing
@testable import QdbTerminal
import QdbClientSession

private let address = "ws://localhost:8002/qdb"

private func message(_ event: String, _ payload: JSONValue = .null) -> ClientStateMachine.Input {
    .connection(.message(Message(event, payload)))
}

private func error(_ type: String, _ data: String) -> ClientStateMachine.Input {
    message("error", ["type": .string(type), "data": .string(data)])
}

private let stack: JSONValue = [
    "index": 0, "stack": [["file": "/app.py", "line": 3, "func": "<module>", "code": "x = 1"]],
]

extension ClientStateMachine {
    /// Feeds inputs in order and returns every output.
    mutating func feed(_ inputs: Input...) -> [Output] {
        inputs.flatMap { handle($0) }
    }

    /// The text of everything shown.
    static func shown(_ outputs: [Output]) -> [String] {
        outputs.flatMap { output -> [String] in
            guard case .show(let lines) = output else { return [] }
            return lines.map(\.plainText)
        }
    }
}

@Suite struct ClientStateMachineTests {
    @Test func sendsCommandsAndShowsEvents() {
        var machine = ClientStateMachine(address: address)
        let outputs = machine.feed(message("stack", stack), .line("n"), .line("help s"), .line("b x.py:nope"))
        #expect(outputs.contains(.send(Message("next"))))
        #expect(ClientStateMachine.shown(outputs) == [
            "> /app.py(3)<module>()", "-> x = 1",
            "s(tep)", "Execute the next line, function call, or return.",
            "*** error: b(reak): cannot read breakpoint 'x.py:nope': use FILE:LINE, LINE or FUNCTION",
        ])
        #expect(machine.state == .attached)
    }

    /// Stop reasons and call stops first: the console needs them to show
    /// return and call stops as pdb does.
    @Test func attachesThenSendsTheSettings() {
        var machine = ClientStateMachine(address: address, authMessage: "secret")
        #expect(machine.handle(.connected(settings: [.stopAllThreads(true)])) == [
            .send(Message("start", "secret")), .send(Message("stop_reasons", true)),
            .send(Message("call_stops", true)), .send(Message("stop_all_threads", true)),
        ])
    }

    @Test func pausesOnCtrlC() {
        var machine = ClientStateMachine(address: address)
        #expect(machine.handle(.interrupt) == [.send(Message("pause"))])
    }

    @Test func quitsWhenTheServerEndsTheSession() {
        var machine = ClientStateMachine(address: address)
        #expect(machine.handle(.line("q hard")) == [.send(Message("disable", "hard")), .startQuitDeadline])
        #expect(machine.state == .quitting)
        #expect(machine.handle(message("disable")) == [.show(["Disabled, goodbye."]), .finish(.sessionOver)])
        #expect(machine.state == .finished)
        #expect(machine.handle(.connection(.closed(.closeFrame(status: nil)))) == [], "nothing after the end")
    }

    @Test func quitsSoftAtTheEndOfInput() {
        var machine = ClientStateMachine(address: address)
        #expect(machine.handle(.endOfInput) == [.send(Message("disable", "soft")), .startQuitDeadline])
        #expect(machine.handle(.connection(.closed(.connectionDropped))) == [.finish(.sessionOver)],
                "a close after our quit is the end we asked for")
    }

    @Test func leavesWhenTheQuitIsNotConfirmed() {
        var machine = ClientStateMachine(address: address)
        #expect(machine.handle(.quitDeadlinePassed) == [], "no quit pending")
        _ = machine.handle(.line("q"))
        #expect(machine.handle(.quitDeadlinePassed) == [.finish(.quitUnconfirmed)])

        var impatient = ClientStateMachine(address: address)
        _ = impatient.handle(.line("q"))
        #expect(impatient.handle(.interrupt) == [.finish(.quitUnconfirmed)], "Ctrl-C again leaves at once")
    }

    @Test func endsNormallyWhenTheProgramEnds() {
        var machine = ClientStateMachine(address: address)
        let outputs = machine.feed(
            message("print", ["input": "<stdout>", "exc": false, "output": "no newline"]), message("disable"))
        #expect(ClientStateMachine.shown(outputs) == ["no newline", "Disabled, goodbye."])
        #expect(outputs.last == .finish(.sessionOver))
        #expect(ClientExit.sessionOver.status == 0 && ClientExit.sessionOver.message == nil)
    }

    @Test func reportsARefusedAuthenticationAsOneLine() {
        var machine = ClientStateMachine(address: address)
        let outputs = machine.feed(error("auth", "Authentication failed"), message("disable"))
        #expect(outputs == [.finish(.failed(.authenticationRefused("Authentication failed")))])
        #expect(ClientExit.failed(.authenticationRefused("Authentication failed")).message
            == "authentication refused: Authentication failed")
        #expect(ClientExit.failed(.authenticationRefused("x")).status == 1)
    }

    @Test func reportsASessionEndedByTheServer() {
        var noTracer = ClientStateMachine(address: address)
        #expect(noTracer.feed(error("tracer", "No tracer"), message("disable"))
            == [.finish(.failed(.sessionEnded("No tracer")))])

        var tracerLost = ClientStateMachine(address: address)
        let outputs = tracerLost.feed(message("stack", stack), error("event", "Expecting value"), message("disable"))
        #expect(ClientStateMachine.shown(outputs).last == "*** error: event: Expecting value")
        #expect(outputs.last == .finish(.failed(.sessionEnded("Expecting value"))))
    }

    @Test func showsAHeldBackErrorWhenTheSessionGoesOn() {
        var machine = ClientStateMachine(address: address)
        let outputs = machine.feed(error("socket", "odd"), message("stack", stack))
        #expect(ClientStateMachine.shown(outputs) == ["*** error: socket: odd", "> /app.py(3)<module>()", "-> x = 1"])
        #expect(machine.feed(error("up", "Oldest frame"), message("disable")).last == .finish(.sessionOver),
                "an ordinary error before the end is not the reason for it")
    }

    @Test func reportsALostServer() {
        var machine = ClientStateMachine(address: address)
        _ = machine.handle(message("stack", stack))
        #expect(machine.handle(.connection(.closed(.connectionDropped)))
            == [.finish(.failed(.connectionLost(address: address)))])
        #expect(ClientExit.failed(.connectionLost(address: address)).message
            == "connection to ws://localhost:8002/qdb lost: the server went away")
    }

    @Test func showsUnreadableFrames() {
        var machine = ClientStateMachine(address: address)
        #expect(ClientStateMachine.shown(machine.handle(.connection(.unreadableFrame("Expecting value"))))
            == ["*** error: unreadable message from the server: Expecting value"])
    }
}
