import QdbProtocol
import Testing
@testable import QdbConsole

/// A session stopped in `outer` (line 7) of /work/app.py, called from line 13.
func stoppedSession() -> ConsoleSession {
    var session = ConsoleSession()
    _ = session.render(.stack(sampleStack))
    return session
}

let sampleStack = Stack(index: 1, frames: [
    StackFrame(file: "/work/app.py", line: 13, function: "<module>", code: "y = outer(x)"),
    StackFrame(file: "/work/app.py", line: 7, function: "outer", code: "    doubled = n * 2"),
])

func interpret(_ line: String, in session: ConsoleSession = stoppedSession()) -> ConsoleAction {
    var session = session
    return session.interpret(line)
}

@Suite struct CommandLanguageTests {
    @Test(arguments: [
        ("s", Command.step), ("step", .step), ("n", .next), ("next", .next), ("r", .return), ("return", .return),
        ("unt", .until(.null)), ("until", .until(.null)), ("unt 12", .until(12)), ("j 9", .jump(9)), ("c", .continue), ("cont", .continue), ("continue", .continue),
        ("u", .up), ("up", .up), ("u 1", .up), ("locals", .locals),
        ("pause", .pause(.null)),
        ("  n  ", .next),
    ])
    func mapsCommandsWithoutArguments(line: String, command: Command) {
        #expect(interpret(line) == .send(command))
    }

    @Test func mapsWatchCommands() {
        #expect(interpret("watch x + 1") == .send(.setWatch(["x + 1"])))
        #expect(interpret("watch len(items)") == .send(.setWatch(["len(items)"])))
        #expect(interpret("unw x + 1") == .send(.clearWatch(["x + 1"])))
        #expect(interpret("unwatch x") == .send(.clearWatch(["x"])))
    }

    @Test func evaluatesAnythingElseInTheProgram() {
        #expect(interpret("x * 10") == .send(.eval("x * 10")))
        #expect(interpret("print('hi')") == .send(.eval("print('hi')")))
        #expect(interpret("locals()") == .send(.eval("locals()")))
        #expect(interpret("p items[0]") == .send(.eval("items[0]")))
        #expect(interpret("pp {'a': 1}") == .send(.pprint("{'a': 1}")))
        #expect(interpret("!n = 3") == .send(.eval("n = 3")))
        #expect(interpret("! c") == .send(.eval("c")))
    }

    /// As pdb 3.13: a command that takes no argument, given one, says so
    /// and shows its usage; `!` makes the line Python.
    @Test(arguments: [
        ("n * 2", "* 2", "n(ext)"), ("c = 3", "= 3", "c(ont(inue))"), ("s in names", "in names", "s(tep)"),
        ("w 1", "1", "w(here)"), ("a = 3", "= 3", "a(rgs)"), ("ll 3", "3", "ll | longlist"), ("rv x", "x", "retval"),
        ("r 2", "2", "r(eturn)"),
    ])
    func reportsAnArgumentACommandDoesNotTake(line: String, argument: String, usage: String) {
        #expect(interpret(line) == .show([
            ConsoleLine("*** Invalid argument: \(argument)", .error), ConsoleLine("      Usage: \(usage)"),
        ]))
        #expect(interpret("!" + line) == .send(.eval(.string(line))))
    }

    @Test func readsCommandNamesWithArgumentsAsThoseCommands() {
        #expect(interpret("b == 2 or a") == .error(.error(
            "b(reak)", "cannot read breakpoint '== 2 or a': use FILE:LINE, LINE or FUNCTION")))
        #expect(interpret("p = 1") == .send(.eval("= 1")), "a SyntaxError from the tracer, as in pdb")
        #expect(interpret("interact now") == interpret("interact"), "pdb's interact ignores what follows")
        #expect(interpret("locals = {}") == .send(.eval("locals = {}")), "qdb's own commands yield to assignments")
        #expect(interpret("watch += 1") == .send(.eval("watch += 1")))
        #expect(interpret("threads 2") == .show([
            ConsoleLine("*** Invalid argument: 2", .error), ConsoleLine("      Usage: threads"),
        ]))
    }

    /// Tab completes files where pdb does: a breakpoint's location.
    @Test func completesLocationsAfterBreakpointCommands() {
        #expect(ConsoleSession.completesLocation(after: "b "))
        #expect(ConsoleSession.completesLocation(after: "  tbreak "))
        #expect(ConsoleSession.completesLocation(after: "clear "))
        #expect(!ConsoleSession.completesLocation(after: "b main.py:"), "a line number")
        #expect(!ConsoleSession.completesLocation(after: "b main.py:3, "), "a condition")
        #expect(!ConsoleSession.completesLocation(after: "p "))
    }

    /// pdb's `u COUNT` and `d COUNT`: one move per frame, only the last
    /// one shown.
    @Test func movesSeveralFramesAtOnce() {
        let deep = Stack(index: 2, frames: [
            StackFrame(file: "/work/app.py", line: 13, function: "<module>", code: "y = outer(x)"),
            StackFrame(file: "/work/app.py", line: 7, function: "outer", code: "    doubled = n * 2"),
            StackFrame(file: "/work/app.py", line: 3, function: "inner", code: "    return n"),
        ])
        var session = ConsoleSession()
        _ = session.render(.stack(deep))
        #expect(interpret("u x", in: session) == .error(ConsoleLine("*** Invalid frame count (x)", .error)))
        #expect(interpret("u 1", in: session) == .send(.up))
        #expect(interpret("d 3", in: session) == .error(ConsoleLine("*** Newest frame", .error)))
        #expect(interpret("d", in: session) == .error(ConsoleLine("*** Newest frame", .error)))
        #expect(interpret("down", in: ConsoleSession()) == .send(.down), "without a stack the tracer answers")
        #expect(interpret("d 2", in: ConsoleSession()) == .send(.down))
        guard case .show(let again) = interpret("u 0", in: session) else {
            Issue.record("u 0 shows the frame again, as in pdb")
            return
        }
        #expect(again.map(\.plainText) == ["> /work/app.py(3)inner()", "-> return n"])
        #expect(session.sent("u 5").count == 2, "as far as the oldest frame")
        var moved = deep
        moved.index = 1
        #expect(session.show(.stack(moved)) == [], "passed on the way")
        moved.index = 0
        #expect(session.show(.stack(moved)) == ["> /work/app.py(13)<module>()", "-> y = outer(x)"])
        #expect(session.sent("d -1").count == 2, "a negative count goes to the newest frame")
    }

    @Test(arguments: [
        ("watch", "watch"), ("unw", "unw(atch)"), ("tbreak", "tbreak"), ("disable", "disable"), ("j", "j(ump)"),
        ("condition", "condition"), ("whatis", "whatis"), ("p", "p"), ("pp  ", "pp"), ("!", "!"),
    ])
    func reportsAMissingArgument(line: String, usage: String) {
        #expect(interpret(line) == .error(.error(usage, "missing argument(s)")))
    }

    @Test func quits() {
        #expect(interpret("q") == .quit(.soft))
        #expect(interpret("quit soft") == .quit(.soft))
        #expect(interpret("q hard") == .quit(.hard))
        #expect(interpret("q now") == .error(.error("disable", "argument must be 'soft' or 'hard'")))
        var session = ConsoleSession()
        #expect(session.interpretEndOfInput() == .quit(.soft))
        #expect(QuitMode.hard.command == .disable("hard"))
    }

    @Test func repeatsTheLastMovingCommandOnAnEmptyLine() {
        var session = stoppedSession()
        #expect(session.interpret("") == ConsoleAction.none)
        #expect(session.interpret("n") == .send(.next))
        #expect(session.interpret("") == .send(.next))
        #expect(session.interpret("   ") == .send(.next))
        #expect(session.interpret("x = 1") == .send(.eval("x = 1")))
        #expect(session.interpret("") == ConsoleAction.none, "evaluations are never repeated")
        #expect(session.interpret("u") == .send(.up))
        #expect(session.interpret("help") != .none)
        #expect(session.interpret("") == ConsoleAction.none)
    }

    @Test func showsTheStackForWhere() {
        let expected: [ConsoleLine] = [
            "  /work/app.py(13)<module>()", "-> y = outer(x)",
            "> /work/app.py(7)outer()", "-> doubled = n * 2",
        ]
        for line in ["where", "bt"] {
            guard case .show(let lines) = interpret(line) else {
                Issue.record("no stack shown")
                return
            }
            #expect(lines.map(\.plainText) == expected.map(\.plainText))
        }
        #expect(interpret("where", in: ConsoleSession()) == .error(.error("w(here)", "no stack yet")))
    }
}

@Suite struct HelpTests {
    @Test func listsEveryCommand() throws {
        guard case .show(let lines) = interpret("help") else {
            Issue.record("no help")
            return
        }
        let text = lines.map(\.plainText).joined(separator: "\n")
        for usage in ["s(tep)", "n(ext)", "r(eturn)", "unt(il)", "c(ont(inue))", "watch", "unw(atch)", "b(reak)",
                      "tbreak", "cl(ear)", "l(ist)", "u(p)", "d(own)", "locals", "pause", "q(uit)", "w(here)", "p",
                      "pp", "!STMT", "help", "disable", "enable", "condition", "ignore", "commands", "ll", "a(rgs)",
                      "retval", "whatis", "source", "display", "undisplay", "j(ump)", "interact", "run"] {
            #expect(text.contains(usage), "\(usage) missing from help")
        }
        #expect(interpret("?") == interpret("help"))
        #expect(interpret("h") == interpret("help"))
    }

    @Test func showsTheOriginalTexts() {
        #expect(interpret("help s") == .show(["s(tep)", "Execute the next line, function call, or return."]))
        #expect(interpret("n?") == .show(["n(ext)", "Execute up to the next line in the current frame."]))
        #expect(interpret("help continue") == .show([
            "c(ont(inue))", "Continue execution until the next breakpoint is hit. If there are",
            "no more breakpoints, stop tracing.",
        ]))
        #expect(interpret("q?") == .show([
            "q(uit) [MODE]", "Stops the debugging session with the given mode, defaulting to", "'soft'. Also: exit.",
        ]))
        #expect(interpret("unw?") == interpret("help unwatch"))
    }

    @Test func everyCommandHasHelp() {
        for command in ConsoleCommand.allCases {
            for name in command.names {
                guard case .show(let lines) = interpret(name + "?") else {
                    Issue.record("no help for \(name)")
                    continue
                }
                #expect(lines.count >= 2)
                #expect(lines.first?.plainText.hasPrefix(command.usage) == true)
            }
        }
    }

    @Test func rejectsUnknownTopics() {
        #expect(interpret("help frobnicate") == .error(.error("help", "no command named 'frobnicate'")))
        #expect(interpret("xyz?") == .error(.error("help", "no command named 'xyz'")))
    }
}
