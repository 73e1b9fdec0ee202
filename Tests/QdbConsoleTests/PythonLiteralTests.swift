import QdbProtocol
import Testing
@testable import QdbConsole

@Suite struct PythonLiteralTests {
    @Test func readsTheOriginalBreakpointDict() throws {
        let value = try PythonLiteral.parse(#"{'file': "x.py", 'line': 3, 'temp': True, 'cond': None}"#)
        #expect(value == ["file": "x.py", "line": 3, "temp": true, "cond": .null])
        #expect(value.objectValue?.keys == ["file", "line", "temp", "cond"])
    }

    @Test(arguments: [
        ("1", JSONValue(1)), ("-12", -12), ("+7", 7), ("1_000", 1000), ("2.5", 2.5), ("1e3", 1000.0),
        ("False", false), ("None", .null), ("[1, 'a']", [1, "a"]), ("(1, 2,)", [1, 2]), ("{}", [:]),
        ("{'a': {'b': [True]},}", ["a": ["b": [true]]]),
    ] as [(String, JSONValue)])
    func readsScalarsAndContainers(text: String, expected: JSONValue) throws {
        #expect(try PythonLiteral.parse(text) == expected)
    }

    @Test(arguments: [
        (#"'a\'b'"#, "a'b"), (#""say \"hi\"""#, #"say "hi""#), (#"'tab\there'"#, "tab\there"),
        (#"'\n\r\\'"#, "\n\r\\"), (#"'\x41\u00e9\U0001F600'"#, "Aé😀"), (#"'\101\0'"#, "A\0"),
        (#"'\q'"#, #"\q"#), (#"r'C:\new\'x'"#, #"C:\new\'x"#), (#"u'plain'"#, "plain"), ("'é ü'", "é ü"),
    ])
    func readsStringsWithTheirEscapes(text: String, expected: String) throws {
        #expect(try PythonLiteral.parse(text) == .string(expected))
    }

    @Test(arguments: [
        ("{'file': 'x.py'", "expected '}'"), ("{1: 2}", "dict keys must be strings"), ("'open", "unterminated string"),
        ("{'a': 1} extra", "unexpected text after the literal"), ("foo", "'foo' is not a literal"),
        ("", "expected a value"), ("1.2.3", "malformed number"), (#"'\x4'"#, "malformed \\x, \\u or \\U escape"),
        ("[1 2]", "expected ']'"),
    ])
    func explainsWhatIsWrong(text: String, reason: String) {
        do {
            let value = try PythonLiteral.parse(text)
            Issue.record("parsed \(value)")
        } catch {
            #expect(error.reason == reason)
        }
    }

    @Test func pointsAtTheProblem() {
        do {
            let value = try PythonLiteral.parse("{'a': oops}")
            Issue.record("parsed \(value)")
        } catch {
            #expect(error.column == 7)
            #expect(error.description == "'oops' is not a literal (column 7)")
        }
    }

    @Test func refusesHostileNesting() {
        let text = String(repeating: "[", count: 10_000)
        #expect(throws: PythonLiteralError(reason: "nested too deeply", column: 65)) {
            try PythonLiteral.parse(text)
        }
    }
}

@Suite struct PythonReprTests {
    @Test(arguments: [
        (JSONValue.null, "None"), (true, "True"), (3, "3"), (1.5, "1.5"), ("s", "'s'"), ("it's", #""it's""#),
        (#"both ' and ""#, #"'both \' and "'"#), ("a\nb\u{1}", #"'a\nb\x01'"#),
        ([1, .null, ["k": "v"]], "[1, None, {'k': 'v'}]"),
    ] as [(JSONValue, String)])
    func showsJSONAsPythonWould(value: JSONValue, expected: String) {
        #expect(value.pythonRepr == expected)
    }

    @Test func showsPythonsSpecialFloats() throws {
        let value = try JSONParser.parse("[NaN, Infinity, -Infinity]")
        #expect(value.pythonRepr == "[nan, inf, -inf]")
    }
}
