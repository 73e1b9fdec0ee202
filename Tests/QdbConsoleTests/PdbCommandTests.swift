import QdbProtocol
import Testing
@testable import QdbConsole

/// pdb's commands beyond the original client's, and pdb's texts for what
/// the tracer answers.
@Suite struct PdbCommandTests {
    let seven = NumberedBreakpoint(number: 1, location: BreakpointInfo(file: "/work/app.py", line: 7))

    @Test func mapsBreakpointCommandsToTheNumberedExtensions() {
        #expect(interpret("b") == .send(.breaks))
        #expect(interpret("disable 1 2") == .sendAll([
            .updateBreak(["number": 1, "enabled": false]), .updateBreak(["number": 2, "enabled": false]),
        ]))
        #expect(interpret("enable x") == .sendAll([.updateBreak(["number": "x", "enabled": true])]),
                "the tracer answers a bad number with pdb's text")
        #expect(interpret("condition 1 n > 5") == .send(.updateBreak(["number": 1, "cond": "n > 5"])))
        #expect(interpret("condition 1") == .send(.updateBreak(["number": 1, "cond": .null])))
        #expect(interpret("ignore 1 2") == .send(.updateBreak(["number": 1, "ignore": 2])))
        #expect(interpret("ignore 1") == .send(.updateBreak(["number": 1, "ignore": 0])))
        #expect(interpret("ignore 1 x") == .show([
            ConsoleLine("*** Invalid argument: 1 x", .error), "      Usage: ignore bpnumber [count]",
        ]))
    }

    @Test func collectsBreakpointCommandsUntilEnd() {
        var session = stoppedSession()
        #expect(session.interpret("commands 1") == ConsoleAction.none)
        #expect(session.prompt == "(com) ")
        #expect(session.interpret("silent") == ConsoleAction.none)
        #expect(session.interpret("p n") == ConsoleAction.none)
        #expect(session.interpret("end") == .send(.updateBreak(["number": 1, "commands": ["silent", "p n"]])))
        #expect(session.prompt == "(qdb) ")
        // A command that resumes the program ends the list, as in pdb.
        _ = session.interpret("commands 2")
        #expect(session.interpret("p x") == ConsoleAction.none)
        #expect(session.interpret("c") == .send(.updateBreak(["number": 2, "commands": ["p x", "c"]])))
        // Ctrl-D abandons it.
        _ = session.interpret("commands 2")
        #expect(session.interpretEndOfInput() == .show(["command definition aborted, old commands restored"]))
        #expect(session.prompt == "(qdb) ")
    }

    @Test func commandsAloneTakesTheLastBreakpoint() {
        var session = stoppedSession()
        #expect(session.interpret("commands") == .error(ConsoleLine(
            "*** cannot set commands: Breakpoint number expected", .error)))
        _ = session.render(.breakChanged(BreakpointChangeInfo(.set, seven)))
        _ = session.interpret("commands")
        #expect(session.interpret("end") == .send(.updateBreak(["number": 1, "commands": []])))
    }

    @Test func mapsInspectionCommands() {
        #expect(interpret("a") == .send(.args))
        #expect(interpret("args") == .send(.args))
        #expect(interpret("rv") == .send(.returnValue))
        #expect(interpret("retval") == .send(.returnValue))
        #expect(interpret("whatis n") == .send(.whatis("n")))
        #expect(interpret("source outer") == .send(.source("outer")))
        #expect(interpret("ll") == .send(.source(.null)))
        #expect(interpret("longlist") == .send(.source(.null)))
        #expect(interpret("display n") == .send(.display("n")))
        #expect(interpret("display") == .send(.display(.null)))
        #expect(interpret("undisplay") == .send(.undisplay(.null)))
        #expect(interpret("unt x") == .error(ConsoleLine("*** Error in argument: 'x'", .error)))
        #expect(interpret("j") == .error(.error("j(ump)", "missing argument(s)")))
        #expect(interpret("jump here") == .error(ConsoleLine("*** The 'jump' command requires a line number", .error)))
        #expect(interpret("run a 'b c'") == .restart(arguments: ["a", "b c"]))
        #expect(interpret("restart") == .restart(arguments: nil))
    }

    @Test func listsBreakpointsAsPdbDoes() {
        var session = stoppedSession()
        var second = NumberedBreakpoint(
            number: 2, location: BreakpointInfo(file: "/work/app.py", line: 9, temporary: true, condition: "n > 5"),
            isEnabled: false, ignoreCount: 2, hits: 3)
        #expect(session.show(.breaks([seven, second])) == [
            "Num Type         Disp Enb   Where",
            "1   breakpoint   keep yes   at /work/app.py:7",
            "2   breakpoint   del  no    at /work/app.py:9",
            "\tstop only if n > 5",
            "\tignore next 2 hits",
            "\tbreakpoint already hit 3 times",
        ])
        second.hits = 1
        #expect(session.show(.breaks([second])).last == "\tbreakpoint already hit 1 time")
        #expect(session.show(.breaks([])) == [], "pdb prints nothing without breakpoints")
    }

    @Test func saysWhatChangedInPdbsWords() {
        var session = stoppedSession()
        let show = { (action: BreakpointChangeInfo.Action, breakpoint: NumberedBreakpoint) in
            session.show(.breakChanged(BreakpointChangeInfo(action, breakpoint)))
        }
        #expect(show(.set, seven) == ["Breakpoint 1 at /work/app.py:7"])
        #expect(show(.deleted, seven) == ["Deleted breakpoint 1 at /work/app.py:7"])
        #expect(show(.disabled, seven) == ["Disabled breakpoint 1 at /work/app.py:7"])
        #expect(show(.enabled, seven) == ["Enabled breakpoint 1 at /work/app.py:7"])
        #expect(show(.condition, seven) == ["Breakpoint 1 is now unconditional."])
        var conditional = seven
        conditional.location.condition = "n > 5"
        #expect(show(.condition, conditional) == ["New condition set for breakpoint 1."])
        #expect(show(.ignore, seven) == ["Will stop next time breakpoint 1 is reached."])
        conditional.ignoreCount = 1
        #expect(show(.ignore, conditional) == ["Will ignore next 1 crossing of breakpoint 1."])
        conditional.ignoreCount = 4
        #expect(show(.ignore, conditional) == ["Will ignore next 4 crossings of breakpoint 1."])
        #expect(show(.commands, seven) == [])
    }

    @Test func marksBreakpointsAndTheCurrentLineInListings() {
        var session = stoppedSession()
        _ = session.render(.breakChanged(BreakpointChangeInfo(.set, seven)))
        _ = session.sent("ll")
        let source = SourceLines(file: "/work/app.py", firstLine: 6, lines: ["def outer(n):", "    doubled = n * 2"])
        #expect(session.show(.source(source)) == ["  6  \tdef outer(n):", "  7 B->\t    doubled = n * 2"])
        _ = session.sent("source outer")
        #expect(session.show(.source(source)) == ["  6  \tdef outer(n):", "  7  \t    doubled = n * 2"],
                "source marks neither breakpoints nor the current line, as in pdb")
        _ = session.render(.breakChanged(BreakpointChangeInfo(.deleted, seven)))
        _ = session.sent("l .")
        #expect(session.show(.list("x = 1")) == ["  2  \tx = 1", "[EOF]"], "the file ended before line 12")
        _ = session.sent("l 1, 2")
        #expect(session.show(.list("x = 1\n")) == ["  1  \tx = 1", "  2  \t"], "a last line may be empty")
    }

    @Test func showsArgumentsReturnValuesAndTypes() {
        var session = stoppedSession()
        #expect(session.show(.args([NamedValue(name: "n", value: "3"), NamedValue(name: "rest", value: "()")]))
            == ["n = 3", "rest = ()"])
        #expect(session.show(.retval("'done'")) == ["'done'"])
        #expect(session.show(.whatis("Function outer")) == ["Function outer"])
        #expect(session.show(.error(ErrorInfo(type: "retval", "Not yet returned!")))
            == ["*** Not yet returned!"])
    }

    @Test func showsDisplaysAsPdbDoes() {
        var session = stoppedSession()
        _ = session.sent("display n")
        #expect(session.show(.display(DisplayInfo(changedOnly: false, entries: [NamedValue(name: "n", value: "3")])))
            == ["display n: 3"])
        _ = session.sent("display")
        #expect(session.show(.display(DisplayInfo(changedOnly: false, entries: [NamedValue(name: "n", value: "3")])))
            == ["Currently displaying:", "n: 3"])
        _ = session.sent("display")
        #expect(session.show(.display(DisplayInfo(changedOnly: false, entries: []))) == ["No expression is being displayed"])
        let changed = DisplayInfo(changedOnly: true, entries: [NamedValue(name: "n", value: "4", old: "3")])
        #expect(session.show(.display(changed)) == ["display n: 4  [old: 3]"])
    }

    @Test func interactsLineByLineAndBlockByBlock() {
        /// A block as sent: the first of each `interact` has the tracer
        /// make the namespace afresh.
        func block(_ source: String, fresh: Bool = false) -> ConsoleAction {
            .send(.interact(["source": .string(source), "fresh": .bool(fresh)]))
        }
        var session = stoppedSession()
        #expect(session.interpret("interact") == .show(["*interactive*"]))
        #expect(session.prompt == ">>> ")
        #expect(session.interpret("x = 1") == block("x = 1", fresh: true))
        #expect(session.interpret("for i in range(2):") == ConsoleAction.none)
        #expect(session.prompt == "... ")
        #expect(session.interpret("    print(i)") == ConsoleAction.none)
        #expect(session.interpret("") == block("for i in range(2):\n    print(i)"))
        #expect(session.interpret("total = (1 +") == ConsoleAction.none, "an open bracket continues")
        #expect(session.interpret("") == ConsoleAction.none, "even past an empty line")
        #expect(session.interpret("  2)") == block("total = (1 +\n  2)"))
        #expect(session.interpret("s = '''a") == ConsoleAction.none)
        #expect(session.interpret("b'''") == block("s = '''a\nb'''"))
        #expect(session.interpret("n") == block("n"), "commands are Python here")
        #expect(session.interpretEndOfInput() == .show(["now exiting InteractiveConsole..."]))
        #expect(session.prompt == "(qdb) ")
        #expect(session.interpret("n") == .send(.next))
    }
}
