import QdbProtocol
import Testing
@testable import QdbTracer

struct BreakpointTests {
    func program(stopping: Bool = false) -> (FakeProgram, FakeFrame) {
        var program = FakeProgram()
        program.onStop = { debugger, _ in debugger.setContinue() }
        let module = program.call("<module>", line: 1, from: nil)
        program.debugger.start(at: module, stopping: stopping ? .nextEvent : .none)
        return (program, module)
    }

    @Test func temporaryBreakpointsGoAtTheirFirstHit() {
        var (program, module) = program()
        program.breakpoints.add(file: "/app/main.py", line: 2, temporary: true)
        program.lines(module, 2, 3, 2)
        #expect(program.stops.count == 1)
        #expect(program.breakpoints.isEmpty)
    }

    @Test func aTemporaryBreakpointWhoseConditionFailsStays() {
        var (program, module) = program()
        program.breakpoints.add(file: "/app/main.py", line: 2, temporary: true, condition: "missing")
        program.lines(module, 2, 2)
        #expect(program.stops.count == 2)
        #expect(program.breakpoints.all.count == 1)
    }

    /// bdb's `effective`: a disabled breakpoint never stops, and an
    /// ignore count passes that many crossings (counted as hits).
    @Test func disabledAndIgnoredBreakpointsLetTheProgramPass() {
        var (program, module) = program()
        let breakpoint = program.breakpoints.add(file: "/app/main.py", line: 2)
        program.breakpoints.setIgnoreCount(2, number: breakpoint.number)
        program.lines(module, 2, 2, 2, 2)
        #expect(program.stops.count == 2)
        #expect(program.breakpoints.all[0].hits == 4 && program.breakpoints.all[0].ignoreCount == 0)
        program.breakpoints.setEnabled(false, number: breakpoint.number)
        program.lines(module, 2, 2)
        #expect(program.stops.count == 2)
        #expect(program.breakpoints.all[0].hits == 4, "a disabled breakpoint counts no hits")
    }

    /// The ignore count applies only to crossings where the condition
    /// holds; a condition that raises stops whatever the count.
    @Test func anIgnoreCountPassesOnlyWhereTheConditionHolds() {
        var (program, module) = program()
        program.conditions = ["holds": true]
        let holds = program.breakpoints.add(file: "/app/main.py", line: 2, condition: "holds")
        program.breakpoints.setIgnoreCount(1, number: holds.number)
        program.lines(module, 2, 2)
        #expect(program.stops.count == 1)
        program.breakpoints.remove(number: holds.number)
        let raises = program.breakpoints.add(file: "/app/main.py", line: 3, condition: "missing")
        program.breakpoints.setIgnoreCount(5, number: raises.number)
        program.lines(module, 3)
        #expect(program.stops.count == 2)
    }

    @Test func numbersNameBreakpointsWithPdbsErrors() throws {
        var table = BreakpointTable()
        table.add(file: "/app/main.py", line: 2)
        let second = table.add(file: "/app/main.py", line: 3)
        table.remove(number: second.number)
        #expect(try table.breakpoint(numbered: 1).line == 2)
        #expect(try table.breakpoint(numbered: "1").line == 2)
        #expect(throws: BreakpointNumberError.deleted(2)) { try table.breakpoint(numbered: 2) }
        #expect(throws: BreakpointNumberError.outOfRange(3)) { try table.breakpoint(numbered: 3) }
        #expect(throws: BreakpointNumberError.outOfRange(0)) { try table.breakpoint(numbered: 0) }
        #expect(throws: BreakpointNumberError.nonNumeric("x")) { try table.breakpoint(numbered: "x") }
        #expect(throws: BreakpointNumberError.expected) { try table.breakpoint(numbered: nil) }
        #expect(BreakpointNumberError.deleted(2).description == "Breakpoint 2 already deleted")
    }

    @Test func aStopNamesItsBreakpointAndCarriesItsCommands() {
        var table = BreakpointTable()
        let breakpoint = table.add(file: "/app/main.py", line: 2, temporary: true, isAnnounced: true)
        table.setCommands(["silent", "p x", "continue"], number: breakpoint.number)
        let frame = FakeFrame(node: FakeFrameNode(
            file: "/app/main.py", functionName: "<module>", firstLine: 2, isGeneratorLike: false, isSkipped: false,
            back: nil))
        let (stop, changes) = table.hit(in: frame, at: frame.line) { _, _ in .satisfied }
        #expect(stop == BreakpointStop(number: 1, commands: ["silent", "p x", "continue"]))
        let fired = table.apply(changes)
        #expect(fired.map(\.number) == [1] && table.isEmpty)
        let commands = BreakpointCommands(stop)
        #expect(commands?.lines == ["p x", "continue"] && commands?.isSilent == true)
    }

    @Test func functionBreakpointsStopAtTheFirstLineOfEachCall() {
        var (program, module) = program()
        // pdb's `break helper`: the def line, restricted to that function.
        program.breakpoints.add(file: "/app/main.py", line: 10, function: "helper")
        program.lines(module, 10, 20)
        for _ in 0..<2 {
            let helper = program.call("helper", line: 10, from: module)
            program.lines(helper, 11, 12)
            program.returning(helper)
        }
        #expect(program.stops == [
            FakeStop(kind: .line, function: "helper", line: 11), FakeStop(kind: .line, function: "helper", line: 11),
        ])
    }

    @Test func aLineBreakpointOnADefLineDoesNotFireOnCalls() {
        var (program, module) = program()
        program.breakpoints.add(file: "/app/main.py", line: 10)
        program.line(module, 10)
        let helper = program.call("helper", line: 10, from: module)
        program.line(helper, 11)
        #expect(program.stops == [FakeStop(kind: .line, function: "<module>", line: 10)])
    }

    @Test func breakpointsInOtherFilesDoNotTraceThisOne() {
        var (program, module) = program()
        program.breakpoints.add(file: "/app/other.py", line: 5)
        let helper = program.call("helper", line: 10, from: module)
        #expect(program.isUntraced(helper))
        let other = program.call("work", file: "/app/other.py", line: 4, from: helper)
        #expect(!program.isUntraced(other))
        program.lines(other, 5)
        #expect(program.stops == [FakeStop(kind: .line, function: "work", line: 5)])
    }

    @Test func clearingRemovesEveryBreakpointAtTheLocationAndKeepsOrder() {
        var table = BreakpointTable()
        table.add(file: "/a.py", line: 4)
        table.add(file: "/a.py", line: 5, condition: "x")
        table.add(file: "/a.py", line: 4, temporary: false)
        table.add(file: "/b.py", line: 9)
        let clearedExisting = table.clear(file: "/a.py", line: 4)
        let clearedMissing = table.clear(file: "/a.py", line: 7)
        #expect(clearedExisting)
        #expect(!clearedMissing)
        #expect(table.all.map(\.info) == [
            BreakpointInfo(file: "/a.py", line: 5, condition: "x"), BreakpointInfo(file: "/b.py", line: 9),
        ])
        #expect(table.hasBreakpoints(inFile: "/a.py"))
        table.remove(number: 2)
        #expect(!table.hasBreakpoints(inFile: "/a.py"))
    }

    @Test func tableChangesBumpTheGeneration() {
        var table = BreakpointTable()
        let start = table.generation
        let breakpoint = table.add(file: "/a.py", line: 1)
        table.remove(number: breakpoint.number)
        table.removeAll()
        #expect(table.generation == start + 2)
    }
}

struct StackTests {
    @Test func stacksRunFromTheBottomAndHideSkippedFrames() {
        var program = FakeProgram()
        program.onStop = { _, _ in }
        let runpy = program.call("_run_module_as_main", file: "<frozen runpy>", line: 1, from: nil, skipped: true)
        let runner = program.call("main", file: "/qdb/__main__.py", line: 1, from: runpy, skipped: true)
        program.debugger.start(at: runner, stopping: .nextEvent)
        let module = program.call("<module>", line: 6, from: runner)
        let boom = program.call("boom", line: 2, from: module)
        let stack = program.debugger.stack(from: boom)
        #expect(stack.entries.count == 4)
        #expect(stack.index == 3)
        let visible = stack.visible
        #expect(visible.entries.map(\.frame.functionName) == ["<module>", "boom"])
        #expect(visible.index == 1)
    }

    @Test func anExceptionStackAddsTheTracebacksDeeperFrames() {
        var program = FakeProgram()
        let module = program.call("<module>", line: 6, from: nil)
        program.debugger.start(at: module, stopping: .nextEvent)
        let boom = program.call("boom", line: 2, from: module)
        let traceback = [StackEntry(frame: module, line: 6), StackEntry(frame: boom, line: 2)]
        let stack = program.debugger.stack(from: module, traceback: traceback)
        #expect(stack.entries.map(\.frame.functionName) == ["<module>", "boom"])
        #expect(stack.index == 0)
    }

    @Test func aStackWithoutTheBottomFrameSelectsTheDeepestEntry() {
        var program = FakeProgram()
        let outside = program.call("elsewhere", line: 1, from: nil)
        let module = program.call("<module>", line: 6, from: nil)
        program.debugger.start(at: outside, stopping: .nextEvent)
        let stack = program.debugger.stack(from: module, traceback: [StackEntry(frame: module, line: 1)])
        #expect(stack.index == 0)
    }
}

struct WatchlistTests {
    @Test func keepsInsertionOrderAndPositionOnReAdd() {
        var watchlist = Watchlist()
        watchlist.add(["a", "b"])
        watchlist.add(["a", "c"])
        #expect(watchlist.expressions == ["a", "b", "c"])
        watchlist.remove(["b", "unknown"])
        #expect(watchlist.expressions == ["a", "c"])
    }

    @Test func refreshRecordsValuesAndFailures() {
        var watchlist = Watchlist()
        watchlist.add(["i", "missing"])
        watchlist.refresh { expression in
            expression == "i" ? .success(2) : .failure(EvaluationFailure(exception: "NameError", output: "NameError: x"))
        }
        #expect(watchlist.entries == [
            WatchEntry(expression: "i", value: 2),
            WatchEntry(expression: "missing", exception: "NameError", value: "NameError: x"),
        ])
    }
}
