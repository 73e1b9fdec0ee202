import CPython
import QdbProtocol
import Testing
@testable import QdbTracer

/// Running to breakpoints with the frame hook: code without breakpoints
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
        var modeAtTheBreakpoint: FrameHook.Mode?
        let run = try Debugging.run(Self.probed, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":9}}"#, "continue",
            .perform { modeAtTheBreakpoint = FrameHook.mode },
            #"{"e":"eval","p":"n"}"#, "up", #"{"e":"eval","p":"untraced is None"}"#, "continue",
        ])
        #expect(run.stops == ["<module>:1", "later:9", "main:15"])
        #expect(modeAtTheBreakpoint == .selective)
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["1", "True"])
    }

    @Test func steppingTracesEverything() throws {
        var modeWhileStepping: FrameHook.Mode?
        let run = try Debugging.run(Self.probed, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":14}}"#, "continue", "next",
            .perform { modeWhileStepping = FrameHook.mode },
            #"{"e":"eval","p":"untraced is None"}"#, "continue",
        ])
        #expect(run.stops == ["<module>:1", "main:14", "main:15"])
        #expect(modeWhileStepping == .full)
        // Stepped over with `next`, probe() was traced as bdb traces any
        // frame of a file that holds breakpoints.
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["False"])
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
