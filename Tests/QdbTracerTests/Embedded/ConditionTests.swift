import Testing
import QdbProtocol
@testable import QdbTracer

/// Breakpoint conditions see the frame as `eval` in its namespaces would,
/// whether they run as a function of the frame's variables or are
/// `eval`ed: locals, closure variables, globals, builtins, an unbound
/// local that `eval` finds as a global, generator expressions, and names
/// an earlier `eval` bound in the frame. (Part of the serialized suite:
/// one interpreter, one session.)
extension TracerSessionTests {
    static let conditionProgram = """
        limit = 2
        later = 'global'


        def scan(items):
            seen = []
            for i in items:
                seen.append(i)
                later = i
            return seen


        def watch(n):
            def check(k):
                return k + n
            return check(1)


        result = scan([1, 2, 3])
        watch(5)
        """

    /// The stops of a run that sets one conditional breakpoint, continues,
    /// and prints `shown` at the stop.
    private func conditionStops(line: Int, condition: String, shown: String) throws -> (stops: [String], printed: [String]) {
        let run = try Debugging.run(Self.conditionProgram, commands: [
            .send(#"{"e":"set_break","p":{"file":"$PROGRAM","line":\#(line),"cond":\#(JSONValue.string(condition).serialized())}}"#),
            "continue",
            .send(#"{"e":"eval","p":\#(JSONValue.string(shown).serialized())}"#),
            "continue",
        ])
        #expect(run.all("error").isEmpty)
        return (run.stops, run.all("print").compactMap(PrintOutput.init(json:)).map(\.output))
    }

    @Test func aConditionReadsALocalAndAGlobal() throws {
        let run = try conditionStops(line: 8, condition: "i == limit", shown: "i")
        #expect(run.stops == ["<module>:1", "scan:8"])
        #expect(run.printed == ["2"])
    }

    @Test func aConditionFindsAnUnboundLocalAsAGlobal() throws {
        let run = try conditionStops(line: 8, condition: "later == 'global'", shown: "i")
        #expect(run.stops == ["<module>:1", "scan:8"])
        #expect(run.printed == ["1"])
    }

    @Test func aConditionReadsAClosureVariable() throws {
        let run = try conditionStops(line: 15, condition: "n == 5 and k == 1", shown: "k + n")
        #expect(run.stops == ["<module>:1", "check:15"])
        #expect(run.printed == ["6"])
    }

    @Test func aConditionRunsAGeneratorExpression() throws {
        let run = try conditionStops(line: 8, condition: "any(x >= limit for x in seen)", shown: "seen")
        #expect(run.stops == ["<module>:1", "scan:8"])
        #expect(run.printed == ["[1, 2]"])
    }

    @Test func aConditionReadsANameAnEarlierEvalBound() throws {
        let run = try Debugging.run(Self.conditionProgram, commands: [
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":8,"cond":"i == 1"}}"#, "continue",
            #"{"e":"eval","p":"extra = 7"}"#,
            #"{"e":"clear_break","p":{"file":"$PROGRAM","line":8}}"#,
            #"{"e":"set_break","p":{"file":"$PROGRAM","line":9,"cond":"extra == 7 and i == 1"}}"#, "continue",
            #"{"e":"eval","p":"i"}"#, "continue",
        ])
        #expect(run.all("error").isEmpty)
        #expect(run.stops == ["<module>:1", "scan:8", "scan:9"])
        #expect(run.all("print").compactMap(PrintOutput.init(json:)).map(\.output) == ["", "1"])
    }
}
