import Testing
@testable import QdbTracer

/// The program the original qdb's sessions were recorded with:
///
///     1 def add(a, b):            9     return result
///     2     total = a + b        12 x = 1
///     3     return total         13 y = outer(x)
///     6 def outer(n):            14 print('y is', y)
///     7     doubled = n * 2      15 z = y + 1
///     8     result = add(doubled, 1)
///
/// Each test runs it under a script of commands (one per stop).
struct DebuggerSteppingTests {
    enum Command { case step, next, `return`, until, `continue` }

    func run(_ commands: [Command], breakpoints: [(Int, String?)] = [], stopsAtCalls: Bool = false) -> [FakeStop] {
        var program = FakeProgram()
        program.stopsAtCalls = stopsAtCalls
        var script = commands
        program.onStop = { debugger, frame in
            switch script.isEmpty ? .continue : script.removeFirst() {
            case .step: debugger.setStep()
            case .next: debugger.setNext(frame)
            case .return: debugger.setReturn(frame)
            case .until: debugger.setUntil(frame)
            case .continue: debugger.setContinue()
            }
        }
        let runner = program.call("runner", file: "/qdb/__main__.py", line: 1, from: nil, skipped: true)
        program.debugger.start(at: runner, stopping: .nextEvent)
        for (line, condition) in breakpoints {
            program.breakpoints.add(file: "/app/main.py", line: line, condition: condition)
        }
        let module = program.call("<module>", line: 1, from: runner)
        program.lines(module, 1, 6, 12, 13)
        let outer = program.call("outer", line: 6, from: module)
        program.lines(outer, 7, 8)
        let add = program.call("add", line: 1, from: outer)
        program.lines(add, 2, 3)
        program.returning(add)
        program.line(outer, 9)
        program.returning(outer)
        program.lines(module, 14, 15)
        program.returning(module)
        return program.stops
    }

    func stop(_ kind: StopKind, _ function: String, _ line: Int) -> FakeStop {
        FakeStop(kind: kind, function: function, line: line)
    }

    /// With call stops (pdb's `--Call--`), `step` stops where each function
    /// starts, on its `def` line; `next` and `return` never do.
    @Test func callStopsComeBeforeAFunctionsFirstLine() {
        #expect(run(Array(repeating: .step, count: 10), stopsAtCalls: true).prefix(10) == [
            stop(.call, "<module>", 1), stop(.line, "<module>", 1), stop(.line, "<module>", 6), stop(.line, "<module>", 12),
            stop(.line, "<module>", 13), stop(.call, "outer", 6), stop(.line, "outer", 7), stop(.line, "outer", 8),
            stop(.call, "add", 1), stop(.line, "add", 2),
        ])
        #expect(!run([.step, .next, .next, .next, .next, .step, .next, .next, .return], stopsAtCalls: true).contains {
            $0.kind == .call && $0.function == "add"
        })
    }

    @Test func stepGoesIntoCallsAndStopsAtEveryReturn() {
        let stops = run(Array(repeating: .step, count: 20))
        #expect(stops == [
            stop(.line, "<module>", 1), stop(.line, "<module>", 6), stop(.line, "<module>", 12),
            stop(.line, "<module>", 13), stop(.line, "outer", 7), stop(.line, "outer", 8),
            stop(.line, "add", 2), stop(.line, "add", 3), stop(.returnValue, "add", 3),
            stop(.line, "outer", 9), stop(.returnValue, "outer", 9), stop(.line, "<module>", 14),
            stop(.line, "<module>", 15), stop(.returnValue, "<module>", 15),
        ])
    }

    @Test func nextStaysInTheFrameAndAtAReturnGoesToTheCaller() {
        // As golden/next.json: next x3, step into outer, next x3 (over add,
        // to the return), next to the caller's next line, next to the end.
        let stops = run([.next, .next, .next, .step, .next, .next, .next, .next, .next, .next])
        #expect(stops == [
            stop(.line, "<module>", 1), stop(.line, "<module>", 6), stop(.line, "<module>", 12),
            stop(.line, "<module>", 13), stop(.line, "outer", 7), stop(.line, "outer", 8),
            stop(.line, "outer", 9), stop(.returnValue, "outer", 9), stop(.line, "<module>", 14),
            stop(.line, "<module>", 15), stop(.returnValue, "<module>", 15),
        ])
    }

    @Test func returnRunsToTheReturnEventThenToTheCaller() {
        // As golden/return.json.
        let stops = run([.step, .step, .step, .step, .return, .return, .return, .return])
        #expect(stops == [
            stop(.line, "<module>", 1), stop(.line, "<module>", 6), stop(.line, "<module>", 12),
            stop(.line, "<module>", 13), stop(.line, "outer", 7), stop(.returnValue, "outer", 9),
            stop(.line, "<module>", 14), stop(.returnValue, "<module>", 15),
        ])
    }

    @Test func continueWithoutBreakpointsRunsToTheEnd() {
        #expect(run([.continue]) == [stop(.line, "<module>", 1)])
    }

    @Test func continueStopsAtBreakpointsOnly() {
        let stops = run([.continue, .continue, .continue], breakpoints: [(3, nil), (14, nil)])
        #expect(stops == [stop(.line, "<module>", 1), stop(.line, "add", 3), stop(.line, "<module>", 14)])
    }

    @Test func conditionsDecideAndFailingConditionsStop() {
        var program = FakeProgram()
        program.onStop = { debugger, _ in debugger.setContinue() }
        let module = program.call("<module>", line: 1, from: nil)
        program.debugger.start(at: module, stopping: .none)
        program.conditions = ["i == 2": false]
        program.breakpoints.add(file: "/app/main.py", line: 4, condition: "i == 2")
        program.breakpoints.add(file: "/app/main.py", line: 5, condition: "undefined > 0")
        let count = program.call("count", line: 1, from: module)
        program.lines(count, 2, 3, 4)
        program.conditions["i == 2"] = true
        program.lines(count, 3, 4, 5)
        #expect(program.stops == [FakeStop(kind: .line, function: "count", line: 4), FakeStop(kind: .line, function: "count", line: 5)])
        #expect(program.breakpoints.all.map(\.hits) == [2, 1])
    }

    /// Debugging that starts inside a call (`qdb-cli attach --pid` runs
    /// its script in the program's frame) first stops at the frame's next
    /// line: the frames it calls run on, where pdb's first step would stop
    /// in them.
    @Test(arguments: [
        (FirstStop.nextLineOfFrame, [FakeStop(kind: .line, function: "<module>", line: 14)]),
        (FirstStop.nextEvent, [FakeStop(kind: .line, function: "outer", line: 7)]),
        (FirstStop.none, []),
    ])
    func theFirstStopIsWhereStartingSays(_ firstStop: FirstStop, _ stops: [FakeStop]) {
        var program = FakeProgram()
        program.onStop = { debugger, _ in debugger.setContinue() }
        let module = program.call("<module>", line: 13, from: nil)
        program.debugger.start(at: module, stopping: firstStop)
        let outer = program.call("outer", line: 6, from: module)
        program.lines(outer, 7, 8)
        program.returning(outer)
        program.line(module, 14)
        #expect(program.stops == stops)
    }

    @Test func steppingPastTheBottomFramesReturnRunsToTheEnd() {
        var program = FakeProgram()
        program.onStop = { debugger, _ in debugger.setStep() }
        let module = program.call("<module>", line: 1, from: nil)
        program.debugger.start(at: module, stopping: .nextEvent)
        program.lines(module, 1, 2)
        program.returning(module)
        let shutdown = program.call("_shutdown", file: "/usr/lib/python3.11/threading.py", line: 1540, from: nil)
        program.lines(shutdown, 1541, 1542)
        #expect(program.stops == [
            FakeStop(kind: .line, function: "<module>", line: 1), FakeStop(kind: .line, function: "<module>", line: 2),
            FakeStop(kind: .returnValue, function: "<module>", line: 2),
        ])
    }

    @Test func untilAtTheEndOfALoopRunsUntilALaterLine() {
        // 3 for i in range(2):  4     total += i  5 print(total)
        var program = FakeProgram()
        var commands: [(inout Debugger<FakeFrame>, FakeFrame) -> Void] = [
            { debugger, _ in debugger.setStep() },
            { debugger, frame in debugger.setUntil(frame) },
            { debugger, _ in debugger.setContinue() },
        ]
        program.onStop = { debugger, frame in commands.removeFirst()(&debugger, frame) }
        let module = program.call("<module>", line: 1, from: nil)
        program.debugger.start(at: module, stopping: .nextEvent)
        program.lines(module, 3, 4, 3, 4, 3, 5)
        #expect(program.stops == [
            FakeStop(kind: .line, function: "<module>", line: 3), FakeStop(kind: .line, function: "<module>", line: 4),
            FakeStop(kind: .line, function: "<module>", line: 5),
        ])
    }

    /// An asyncio task's caller is the event loop; the coroutines waiting on
    /// the task are shown above it instead, and the selection keeps its frame.
    @Test func waitingCoroutinesShowAsCallersOfTheTask() {
        var program = FakeProgram()
        let module = program.call("<module>", line: 19, from: nil)
        let loop = program.call("run", file: "/lib/asyncio/runners.py", line: 5, from: module, skipped: true)
        let task = program.call("worker", line: 10, from: loop, generator: true)
        let inner = program.call("fetch", line: 5, from: task, generator: true)
        let waiting = FakeFrame(node: FakeFrameNode(
            file: "/app/main.py", functionName: "main", firstLine: 15, isGeneratorLike: true, isSkipped: false,
            back: nil))
        program.debugger.start(at: inner, stopping: .nextEvent)
        let stack = program.debugger.stack(from: inner)
            .inserting([StackEntry(frame: waiting, line: 16)], above: task).visible
        #expect(stack.entries.map(\.frame.functionName) == ["<module>", "main", "worker", "fetch"])
        #expect(stack.selected?.frame == inner)
        let unchanged = program.debugger.stack(from: inner)
        #expect(unchanged.inserting([StackEntry(frame: waiting, line: 16)], above: waiting) == unchanged)
    }
}
