import CPython
import QdbProtocol
import Testing
@testable import QdbTracer

/// Running to breakpoints with the tracing backend (frame hook or
/// sys.monitoring): code without breakpoints
/// runs untraced, and breakpoints set while stopped are still hit, wherever
/// they are. (Part of the serialized suite: one interpreter, one session.)
extension TracerSessionTests {
    /// `probe()` returns its frame's `f_trace`: None when the frame ran
    /// untraced, qdb's marker when the debugger traced it.
    static let probed = """
        import sys


        def probe():
            return sys._getframe().f_trace


        def later(n):
            total = n + 1
            return total


        def main():
            untraced = probe()
            value = later(1)
            return untraced, value


        result = main()
        """

    @Test func codeWithoutBreakpointsRunsUntraced() throws {
        var planAtTheBreakpoint: TracingPlan?
        let run = try Debugging.run(Self.probed, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":9}}"#, "continue",
            .perform { planAtTheBreakpoint = TracerSession.active?.tracing },
            #"{"e":"eval","p":"n"}"#, "up", #"{"e":"eval","p":"untraced is None"}"#, "continue",
        ])
        #expect(run.stops == ["<module>:1", "later:9", "main:15"])
        #expect(planAtTheBreakpoint?.stepping.isEmpty == true)
        #expect(planAtTheBreakpoint?.query != nil)
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["1", "True"])
    }

    @Test func steppingTracesOnlyWhatTheStepNeeds() throws {
        var planWhileStepping: TracingPlan?
        var steppingThread: ThreadPointer?
        var steppedFrame: FramePointer?
        let run = try Debugging.run(Self.probed, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":14}}"#, "continue", "next",
            .perform {
                planWhileStepping = TracerSession.active?.tracing
                steppingThread = PyGILState_GetThisThreadState()
                steppedFrame = TracerSession.active?.currentStop?.selectedFrame?.pointer
            },
            #"{"e":"eval","p":"untraced is None"}"#, "continue",
        ])
        #expect(run.stops == ["<module>:1", "main:14", "main:15"])
        // `next` traces main()'s frame alone; probe() ran untraced.
        #expect(planWhileStepping?.stepping == [])
        #expect(planWhileStepping?.steppedFrames == [SteppedFrames(thread: steppingThread!, frames: [steppedFrame!])])
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["True"])
    }

    @Test func aBreakpointInAFunctionNotYetCalledIsHit() throws {
        let run = try Debugging.run(Self.probed, commands: [
            "next", "next", "next", "next",
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":10}}"#, "continue", "continue",
        ])
        #expect(run.stops.suffix(2) == ["<module>:19", "later:10"])
    }

    @Test func aBreakpointFurtherDownTheCurrentFrameIsHit() throws {
        let source = """
            def work():
                items = []
                for i in range(3):
                    items.append(i)
                done = len(items)
                return done


            work()
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":2}}"#, "continue",
            #"{"e":"clear_break","p":{"file":"$PROGRAM","line":2}}"#,
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":5}}"#, "continue",
            #"{"e":"eval","p":"items"}"#, "continue",
        ])
        #expect(run.stops == ["<module>:1", "work:2", "work:5"])
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["[0, 1, 2]"])
    }

    @Test func breakpointsInGeneratorsAndRecursionAreHit() throws {
        let source = """
            def countdown(n):
                while n > 0:
                    yield n
                    n -= 1


            def depth(n):
                if n == 0:
                    return 0
                return depth(n - 1) + 1


            values = list(countdown(2))
            deep = depth(30)
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":4}}"#,
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":9}}"#,
            "continue", "continue", "continue", "continue",
        ])
        #expect(run.stops == ["<module>:1", "countdown:4", "countdown:4", "depth:9"])
    }
}

/// What running to breakpoints must keep doing whatever the backend.
extension TracerSessionTests {
    /// A line that ran while it held no breakpoint (on 3.12+ its event is
    /// then disabled) still stops once it gets one.
    @Test func aLineThatRanBeforeItHeldABreakpointStopsLater() throws {
        let source = """
            def work():
                total = 0
                for i in range(3):
                    total += i
                    total *= 2
                return total


            work()
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":5}}"#, "continue",
            #"{"e":"clear_break","p":{"file":"$PROGRAM","line":5}}"#,
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":4}}"#, "continue",
            #"{"e":"eval","p":"i, total"}"#, "continue",
        ])
        #expect(run.stops == ["<module>:1", "work:5", "work:4", "work:4"])
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["(1, 0)"])
    }
}

extension TracerSessionTests {
    /// A generator that started before its breakpoint was set stops there
    /// when it resumes.
    @Test func aSuspendedGeneratorStopsAtABreakpointSetLater() throws {
        let source = """
            def numbers():
                yield 1
                yield 2
                yield 3


            gen = numbers()
            first = next(gen)
            rest = list(gen)
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":9}}"#, "continue",
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":3}}"#, "continue", "continue",
        ])
        #expect(run.stops == ["<module>:1", "<module>:9", "numbers:3"])
    }
}

#if PYTHON_MONITORING
/// sys.monitoring (3.12+) is shared: qdb's events must leave another
/// tool's alone.
extension TracerSessionTests {
    @Test func anotherMonitoringToolKeepsItsEvents() throws {
        let source = """
            import sys
            monitoring = sys.monitoring
            seen = []


            def count(code, line):
                if code.co_name == 'work':
                    seen.append(line)


            def work(n):
                for i in range(n):
                    n += i
                return n


            def stop_here():
                return 1


            monitoring.use_tool_id(monitoring.COVERAGE_ID, 'counter')
            monitoring.register_callback(monitoring.COVERAGE_ID, monitoring.events.LINE, count)
            monitoring.set_events(monitoring.COVERAGE_ID, monitoring.events.LINE)
            work(2)
            stop_here()
            work(1)
            monitoring.set_events(monitoring.COVERAGE_ID, 0)
            monitoring.free_tool_id(monitoring.COVERAGE_ID)
            done = seen
            """
        let run = try Debugging.run(source, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":18}}"#,
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":29}}"#, "continue", "continue",
            #"{"e":"eval","p":"seen"}"#,
        ])
        #expect(run.stops == ["<module>:1", "stop_here:18", "<module>:29"])
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["[12, 13, 12, 13, 12, 14, 12, 13, 12, 14]"])
    }
}
#endif

/// Values too big for one message are shown abbreviated, never dropped.
extension TracerSessionTests {
    @Test func bigValuesAreAbbreviated() throws {
        let run = try Debugging.run("big = list(range(10 ** 6))\ntext = 'x' * (3 * 10 ** 6)\ndone = True\n", commands: [
            "next", "next", "locals", #"{"e":"eval","p":"big"}"#,
        ])
        let locals = try #require(run.all("locals").last?.objectValue)
        #expect(locals["big"]?.stringValue?.hasSuffix("48, 49, ...]") == true)
        #expect(locals["text"]?.stringValue?.count == 1000)
        let evaluated = try #require(run.all("print").compactMap(PrintOutput.init(json:)).last)
        #expect(evaluated.output.count < JSONConversion.maximumSize)
        #expect(evaluated.output.hasSuffix("more characters)"))
        #expect(run.events.allSatisfy { $0.serializedBytes().count < 2 * JSONConversion.maximumSize })
    }
}
