import CPython
import Foundation
import QdbProtocol
import QdbTestSupport
import Testing
@testable import QdbTracer

/// The tracer in a real (embedded) CPython, driven by scripted commands.
/// One interpreter and one active session per process: serialized.
@Suite(.serialized) struct TracerSessionTests {
    @Test func stepsThroughCallsWithStacksAndReturnValues() throws {
        let run = try Debugging.run(SamplePrograms.nestedCalls, commands: Array(repeating: "step", count: 11))
        #expect(run.stops == [
            "<module>:1", "<module>:6", "<module>:12", "<module>:13", "outer:7", "outer:8", "add:2", "add:3",
            "add:3", "outer:9", "outer:9", "<module>:14",
        ])
        #expect(run.all("return") == ["3", "3"])
        let deepest = try #require(run.all("stack").compactMap(Stack.init(json:)).first { $0.frames.count == 3 })
        #expect(deepest.frames.map(\.code) == ["y = outer(x)", "    result = add(doubled, 1)", "    total = a + b"])
        #expect(deepest.index == 2)
        #expect(run.escaped == nil)
    }

    @Test func startRepliesWithBreakpointsWatchlistAndStack() throws {
        let run = try Debugging.run(SamplePrograms.nestedCalls, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":4}}"#, #"{"e":"start","p":""}"#,
        ])
        let file = try #require(run.all("breakpoints").first?.arrayValue?.first?["file"]?.stringValue)
        #expect(file.hasSuffix("/program.py"))
        #expect(run.all("breakpoints") == [[["file": .string(file), "line": 4, "temp": .null, "cond": .null, "func": .null]]])
        #expect(run.events.map(\.name).suffix(3) == ["breakpoints", "watchlist", "stack"])
    }

    @Test func localsIncludeTheReturnValueAndFallBackToRepr() throws {
        let source = """
            class Thing:
                def __repr__(self):
                    return '<thing>'


            def make():
                thing = Thing()
                return {1: 'one', None: [1.5, (2, 3)], 'self': thing}


            made = make()
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":8}}"#, "continue", "step", "locals",
        ])
        let locals = try #require(run.all("locals").last?.objectValue)
        #expect(locals["thing"] == "<thing>")
        #expect(locals["__return__"] == "{1: 'one', None: [1.5, (2, 3)], 'self': <thing>}")
        #expect(run.stops.last == "make:8")
    }

    @Test func evalPrintsResultsErrorsAndAssignmentsStick() throws {
        let source = """
            def scale(n):
                factor = 2
                return n * factor


            seen = scale(5)
            print(seen)
            """
        let run = try Debugging.run(source, commands: [
            "step", "step", "step", #"{"e":"eval","p":"factor = 10"}"#, #"{"e":"eval","p":"factor"}"#,
            #"{"e":"eval","p":"1/0"}"#, #"{"e":"eval","p":"print('a'); print('b')"}"#, #"{"e":"eval","p":42}"#,
            #"{"e":"pprint","p":"x = 1; {'k': list(range(3))}"}"#, "continue",
        ])
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).filter { !$0.isProgramOutput } == [
            .evaluation(input: "factor = 10", exception: nil, output: ""),
            .evaluation(input: "factor", exception: nil, output: "10"),
            .evaluation(input: "1/0", exception: "ZeroDivisionError", output: "ZeroDivisionError: division by zero"),
            .evaluation(input: "print('a'); print('b')", exception: nil, output: "a\nb"),
            .evaluation(input: 42, exception: "TypeError", output: "TypeError: compile() arg 1 must be a string, bytes or AST object"),
            .evaluation(input: "x = 1; {'k': list(range(3))}", exception: nil, output: "{'k': [0, 1, 2]}"),
        ])
        #expect(run.escaped == nil)
    }

    @Test func assignmentsInEvalReachTheProgram() throws {
        let source = """
            import builtins


            def scale(n):
                factor = 2
                builtins.qdb_test_result = n * factor


            scale(5)
            """
        _ = try Debugging.run(source, commands: ["step", "step", "step", "step", #"{"e":"eval","p":"factor = 10"}"#, "continue"])
        try EmbeddedPython.withGIL {
            let result = try PythonObject.importModule("builtins").attribute("qdb_test_result")
            #expect(PyLong_AsLong(result.pointer) == 50)
        }
    }

    @Test func watchlistValuesErrorsAndReprFallback() throws {
        let source = """
            items = [1, None]
            odd = {1, 2}
            done = True
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"set_watch","p":["items","odd","missing"]}"#, "next", "next", "next",
        ])
        let last = try #require(run.all("watchlist").last?.arrayValue?.compactMap(WatchEntry.init(json:)))
        #expect(last == [
            WatchEntry(expression: "items", value: [1, .null]),
            WatchEntry(expression: "odd", value: "{1, 2}"),
            WatchEntry(expression: "missing", exception: "NameError", value: "NameError: name 'missing' is not defined"),
        ])
    }

    /// A string payload is iterated, as the original's `for expr in
    /// payload` did: each character is watched.
    @Test func aStringWatchPayloadWatchesEachCharacter() throws {
        let run = try Debugging.run("ab = 1\na, b = 2, 3\ndone = True\n", commands: [
            #"{"e":"set_watch","p":"ab"}"#, "next", "next", #"{"e":"clear_watch","p":"a"}"#, "next",
        ])
        let lists = run.all("watchlist").map { $0.arrayValue?.compactMap(WatchEntry.init(json:)).map(\.expression) }
        #expect(lists.contains { $0 == ["a", "b"] })
        #expect(lists.last == ["b"])
    }

    @Test func exceptionStopsCarryTheTracebackAndDeeperFrames() throws {
        let source = """
            def boom(v):
                raise ValueError('bad value %d' % v)


            boom(3)
            """
        let run = try Debugging.run(source, commands: ["next", "step", "step", "step", "step", "step"])
        let exceptions = run.all("exception").compactMap(ExceptionInfo.init(json:))
        #expect(exceptions.map(\.type) == ["ValueError", "ValueError"])
        #expect(exceptions.map(\.value) == ["bad value 3", "bad value 3"])
        #expect(exceptions.map(\.traceback.count) == [1, 2])
        let moduleStop = try #require(run.all("stack").compactMap(Stack.init(json:)).last { $0.frames.count == 2 && $0.index == 0 })
        #expect(moduleStop.frames.map(\.function) == ["<module>", "boom"])
        #expect(run.escaped == "ValueError")
    }

    @Test func stopReasonsSayWhyEachNewStopHappened() throws {
        let source = """
            def boom(v):
                raise ValueError(v)


            try:
                boom(1)
            except ValueError:
                pass
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"stop_reasons","p":true}"#, "up",
            #"{"e":"add_break","p":{"file":"$PROGRAM","line":2}}"#, "continue", "step", "step",
            #"{"e":"stop_reasons","p":"yes"}"#, #"{"e":"stop_reasons","p":false}"#, "step",
        ])
        let stacks = run.all("stack").compactMap(Stack.init(json:))
        // The first stop came before the request; `up` shows the stack
        // again, with no reason.
        #expect(stacks.map(\.stop) == [
            nil, nil, StopReason(.breakpoint, breakpoint: 1), StopReason(.exception), StopReason(.return, value: "None"), nil,
        ])
        #expect(run.all("stop_reasons") == [true, false])
        // Each stop that ended while it was on: continue, step, step; in
        // the thread the test runs the program in.
        let running = run.all("running")
        #expect(running.count == 3)
        #expect(Set(running).count == 1 && running.first?["thread"]?.intValue != nil)
        #expect(run.all("error").compactMap(ErrorInfo.init(json:)).map(\.type) == ["up", "stop_reasons"])
    }

    /// pdb's `--Call--`: with `call_stops`, `step` stops where a function
    /// starts, on its `def` line, before its first line.
    @Test func callStopsStopWhereStepEntersAFunction() throws {
        let source = """
            def double(n):
                return n * 2


            double(3)
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"stop_reasons","p":true}"#, #"{"e":"call_stops","p":true}"#, "step", "step", "step",
            #"{"e":"call_stops","p":"yes"}"#,
        ])
        let stops = run.all("stack").compactMap(Stack.init(json:)).compactMap { stack in
            stack.stop.map { ($0.kind, stack.selectedFrame?.function ?? "", stack.selectedFrame?.line ?? 0) }
        }
        #expect(stops.map(\.0) == [.line, .call, .line])
        #expect(stops.map(\.1) == ["<module>", "double", "double"])
        #expect(stops.map(\.2) == [5, 1, 2])
        #expect(run.all("call_stops") == [true])
        #expect(run.all("error").compactMap(ErrorInfo.init(json:)).map(\.data) == ["call_stops: expected true or false"])
    }

    @Test func variablesExpandContainersAndObjectsAPageAtATime() throws {
        let source = """
            class Point:
                def __init__(self):
                    self.x = 1
                    self.y = [2, 3]


            def show(n):
                point = Point()
                table = {'a': [10, 20, 30], 'b': {4}}
                return n


            show(5)
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"add_break","p":{"file":"$PROGRAM","line":10}}"#, "continue",
            #"{"e":"variables","p":{"scope":"locals"}}"#,
            #"{"e":"variables","p":{"scope":"locals","path":[2,0],"start":1,"count":1}}"#,
            #"{"e":"variables","p":{"frame":1,"expression":"point"}}"#,
            #"{"e":"variables","p":{"frame":0,"scope":"globals","path":[99]}}"#,
            #"{"e":"variables","p":{"frame":7,"scope":"locals"}}"#,
            #"{"e":"variables","p":{"expression":"nope"}}"#,
            #"{"e":"variables","p":{"scope":"neither"}}"#,
        ])
        let replies = run.all("variables").compactMap(VariablesReply.init(json:))
        #expect(replies.map(\.total) == [3, 3, 2])
        #expect(replies.first?.variables == [
            Variable(name: "n", value: "5", type: "int", children: 0),
            Variable(name: "point", value: replies[0].variables[1].value, type: "Point", children: 2),
            Variable(name: "table", value: "{'a': [10, 20, 30], 'b': {4}}", type: "dict", children: 2),
        ])
        #expect(replies[1].variables == [Variable(name: "1", value: "20", type: "int", children: 0)])
        #expect(replies[1].request["path"] == [2, 0])
        #expect(replies[2].variables.map(\.name) == ["x", "y"])
        #expect(replies[2].variables.map(\.children) == [0, 2])
        let errors = run.all("error").compactMap(ErrorInfo.init(json:)).filter { $0.type == "variables" }
        #expect(errors.map(\.data) == [
            "No child 99: the value changed", "No frame 7", "NameError: name 'nope' is not defined",
            "variables: expected {\"frame\", \"scope\" or \"expression\", \"path\", \"start\", \"count\"}",
        ])
    }

    /// A loop for conditions to watch: `acc += i` is line 4.
    static func counting(to n: Int) -> String {
        """
        def count(n):
            acc = 0
            for i in range(n):
                acc += i
            return acc


        total = count(\(n))
        """
    }

    @Test func conditionalBreakpointsAndConditionErrors() throws {
        let run = try Debugging.run(Self.counting(to: 3), commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":4,"cond":"i == 2"}}"#, "continue",
            #"{"e":"eval","p":"i"}"#,
            #"{"e":"clear_break","p":{"file":"$PROGRAM","line":4}}"#,
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":5,"cond":"nope > 0"}}"#, "continue", "continue",
        ])
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["2"])
        let failure = try #require(run.all("error").compactMap(ErrorInfo.init(json:)).first)
        #expect(failure.type == "condition")
        #expect(ConditionFailure(json: failure.data) == ConditionFailure(
            condition: "nope > 0", line: 5, exception: "NameError", output: "NameError: name 'nope' is not defined"))
        #expect(run.stops == ["<module>:1", "count:4", "count:5"])
    }

    @Test func aConditionThatAssignsWritesToTheFrame() throws {
        let run = try Debugging.run(Self.counting(to: 4), commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":4,"cond":"(seen := i * 10) >= 20"}}"#, "continue",
            #"{"e":"eval","p":"seen"}"#,
        ])
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["20"])
        #expect(run.stops == ["<module>:1", "count:4"])
    }

    @Test func breakpointErrorsAreReported() throws {
        let run = try Debugging.run("x = 1\ny = 2\n", commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":99}}"#,
            #"{"e":"set_break","p":{"file":"program.py","line":1}}"#,
            #"{"e":"set_break","p":{"line":1}}"#,
            #"{"e":"set_break","p":"nonsense"}"#,
            #"{"e":"set_break"}"#,
            #"{"e":"clear_break","p":{"file":"$PROGRAM"}}"#,
        ])
        let cwd = FileManager.default.currentDirectoryPath
        let program = try #require(run.all("stack").first.flatMap(Stack.init(json:))?.frames.first?.file)
        #expect(run.all("error").compactMap(ErrorInfo.init(json:)) == [
            ErrorInfo(type: "set_breakpoint", "Failed to set breakpoint: {'file': '\(program)', 'line': 99, 'temp': None, 'cond': None, 'func': None}"),
            // A relative file is resolved against the working directory.
            ErrorInfo(type: "set_breakpoint", "Failed to set breakpoint: {'file': '\(cwd)/program.py', 'line': 1, 'temp': None, 'cond': None, 'func': None}"),
            ErrorInfo(type: "set_break", "Could not read Breakpoint from {'line': 1}"),
            ErrorInfo(type: "set_break", "Could not read Breakpoint from 'nonsense'"),
            ErrorInfo(type: "payload", "set_break: expected payload"),
            ErrorInfo(type: "clear_break", "Could not read Breakpoint from {'file': '\(program)'}"),
        ])
    }

    @Test func functionBreakpointsByName() throws {
        let source = """
            def helper():
                value = 1
                return value


            helper()
            helper()
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"next"}"#, #"{"e":"set_break","p":{"func":"helper"}}"#, "continue", "continue", "continue",
        ])
        #expect(run.stops == ["<module>:1", "<module>:6", "helper:2", "helper:2"])
    }

    @Test func aBreakpointSetWhileStoppedHitsAFrameAlreadyRunningFurtherUp() throws {
        // Stopped inside helper; the breakpoint is in main's loop, which is
        // already running (and was not being traced by line).
        let source = """
            def helper(i):
                return i * 2


            def main():
                total = 0
                for i in range(3):
                    total += helper(i)
                return total


            main()
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":2}}"#, "continue",
            #"{"e":"clear_break","p":{"file":"$PROGRAM","line":2}}"#,
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":7}}"#, "continue", "continue",
        ])
        #expect(run.stops == ["<module>:1", "helper:2", "main:7", "main:7"])
    }

    @Test func listSlicesLinesAndReportsBadRequests() throws {
        let run = try Debugging.run("a = 1\nb = 2\nc = 3\n", commands: [
            #"{"e":"list","p":{"file":"$PROGRAM","start":1,"end":3}}"#,
            #"{"e":"list","p":{}}"#,
            #"{"e":"list","p":{"file":"$PROGRAM","start":"x"}}"#,
            #"{"e":"list","p":{"file":"nowhere.py"}}"#,
            #"{"e":"list"}"#,
        ])
        #expect(run.all("list") == ["b = 2\nc = 3", "a = 1\nb = 2\nc = 3"])
        #expect(run.all("error").compactMap(ErrorInfo.init(json:)) == [
            ErrorInfo(type: "list", "List slice arguments must be convertable to type int"),
            ErrorInfo(type: "list", "File nowhere.py does not exist"),
            ErrorInfo(type: "payload", "list: expected payload"),
        ])
    }

    @Test func upAndDownMoveTheSelectionAndStopAtTheEdges() throws {
        let source = """
            def inner():
                return 1


            def outer():
                return inner()


            outer()
            """
        let run = try Debugging.run(source, commands: ["step", "step", "step", "step", "down", "up", "up", "up", "down"])
        #expect(run.all("error").compactMap(ErrorInfo.init(json:)) == [
            ErrorInfo(type: "down", "Newest frame"), ErrorInfo(type: "up", "Oldest frame"),
        ])
        let indexes = run.all("stack").compactMap(Stack.init(json:)).map(\.index)
        #expect(indexes.suffix(5) == [2, 1, 0, 0, 1])
    }

    @Test func unknownCommandsAndMissingPayloadsKeepTheSessionGoing() throws {
        let run = try Debugging.run("x = 1\ny = 2\n", commands: [
            "frobnicate", #"{"e":5,"p":null}"#, #"{"e":"start","p":""}"#,
            // After a client attached, an `error` event is a client's.
            #"{"e":"error","p":{"type":"auth","data":"x"}}"#,
            "eval", "pprint", "set_watch", "clear_watch", "disable", #"{"e":"disable","p":"medium"}"#, "step",
        ])
        let errors = run.all("error").compactMap(ErrorInfo.init(json:))
        #expect(errors.contains(ErrorInfo(type: "event", "Command frobnicate does not exist")))
        #expect(errors.contains(ErrorInfo(type: "event", "Command 5 does not exist")))
        #expect(errors.contains(ErrorInfo(type: "event", "Command error does not exist")))
        #expect(errors.filter { $0.type == "payload" }.map(\.data) == [
            "eval: expected payload", "eval: expected payload", "set_watch: expected payload",
            "clear_watch: expected payload", "disable: expected payload",
        ])
        #expect(errors.contains(ErrorInfo(type: "disable", "payload must be either 'soft' or 'hard'")))
        #expect(run.stops.last == "<module>:2")
    }

    @Test func anAuthenticationErrorBeforeAnyClientRaisesInTheProgram() throws {
        let run = try Debugging.run("x = 1\n", commands: [#"{"e":"error","p":{"type":"auth","data":"Authentication failed"}}"#])
        #expect(run.escaped == "QdbAuthenticationError")
    }

    @Test func hardDisableRaisesQdbQuitSoftLetsTheProgramFinish() throws {
        let hard = try Debugging.run("x = 1\ny = 2\n", commands: [#"{"e":"disable","p":"hard"}"#])
        #expect(hard.escaped == "QdbQuit")
        #expect(hard.events.last?.name == "disabled")
        let soft = try Debugging.run("x = 1\ny = 2\n", commands: [#"{"e":"disable","p":"soft"}"#])
        #expect(soft.escaped == nil)
        #expect(soft.events.map(\.name).filter { $0 == "stack" }.count == 1)
    }

    @Test func executionTimeoutInterruptsOnlyTheEvaluation() throws {
        let run = try Debugging.run("x = 1\ny = 2\n", commands: [
            "next", #"{"e":"eval","p":"[0 for _ in iter(int, 1)]"}"#, #"{"e":"eval","p":"x"}"#, "next",
        ]) { options in
            options.executionTimeout = 0.2
        }
        let prints = run.all("print").compactMap(PrintOutput.init(json:))
        #expect(prints.first?.exception == "QdbExecutionTimeout")
        #expect(prints.first?.output == "QdbExecutionTimeout: Executing '[0 for _ in iter(int, 1)]' exceeded the max time of 0.2 seconds")
        #expect(prints.last?.output == "1")
        #expect(run.stops.last == "<module>:2")
    }

    @Test func pauseFromAnotherThreadStopsARunningProgram() throws {
        let source = """
            import time
            done = False
            while not done: time.sleep(0.001)
            """
        let pauser = PauseFromThread(after: 0.3)
        let run = try Debugging.run(source, commands: [
            // No breakpoints: continue removes the hook entirely; pause
            // must put it back.
            .perform { pauser.start() }, "continue", #"{"e":"eval","p":"done = True"}"#, "continue",
        ])
        #expect(run.stops == ["<module>:1", "<module>:3"])
        #expect(run.escaped == nil)
    }
}

/// Calls `TracerSession.pause` from another thread with the GIL, as the
/// reader thread does when a client sends `pause`.
final class PauseFromThread: Sendable {
    let delay: Double

    init(after delay: Double) {
        self.delay = delay
    }

    func start() {
        let delay = delay
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: delay)
            EmbeddedPython.withGIL {
                TracerSession.active?.pause()
            }
        }
    }
}
