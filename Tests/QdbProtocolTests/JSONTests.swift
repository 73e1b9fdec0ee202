import Testing
@testable import QdbProtocol

@Suite struct JSONParsingTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#" {"a": [1, -2.5e3, true, false, null], "b": "x\ny\u00e9\ud83d\ude00"} "#)
        #expect(value["a"] == [1, -2500.0, true, false, .null])
        #expect(value["b"] == "x\nyé😀")
    }

    @Test func keepsNumberLiteralsExactly() throws {
        let text = #"[1.0, 12345678901234567890123, -0, 1e400, NaN, -Infinity]"#
        #expect(try JSONParser.parse(text).serialized() == text)
    }

    @Test func numbersCompareByValue() {
        #expect(JSONValue(1) == 1.0)
        #expect(JSONValue(1) != 2)
        #expect(Set<JSONValue>([1, 1.0]).count == 1)
    }

    @Test func objectsKeepOrderAndLastDuplicateWins() throws {
        let value = try JSONParser.parse(#"{"z": 1, "a": 2, "z": 3}"#)
        #expect(value.objectValue?.keys == ["z", "a"])
        #expect(value["z"] == 3)
        #expect(value.serialized() == #"{"z": 3, "a": 2}"#)
    }

    @Test func largeObjectsKeepOrderAndLastDuplicateWinsToo() throws {
        // Past 16 members the parser looks repeated keys up in a dictionary.
        let keys = (0..<40).map { "k\($0)" }
        let text = "{" + (keys + ["k3", "k39"]).enumerated().map { #""\#($1)": \#($0)"# }.joined(separator: ",") + "}"
        let value = try JSONParser.parse(text)
        #expect(value.objectValue?.keys == keys)
        #expect(value["k3"] == 40)
        #expect(value["k39"] == 41)
        #expect(value["k4"] == 4)
    }

    @Test func objectsCompareWithoutOrder() {
        let left: JSONValue = ["a": 1, "b": 2]
        let right: JSONValue = ["b": 2, "a": 1]
        #expect(left == right)
        #expect(left.hashValue == right.hashValue)
    }

    @Test(arguments: [
        ("", "Expecting value: line 1 column 1 (char 0)"),
        ("not json", "Expecting value: line 1 column 1 (char 0)"),
        ("{bad", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ("[1,]", "Expecting value: line 1 column 4 (char 3)"),
        ("{\"a\" 1}", "Expecting ':' delimiter: line 1 column 6 (char 5)"),
        ("[1 2]", "Expecting ',' delimiter: line 1 column 4 (char 3)"),
        ("\"abc", "Unterminated string starting at: line 1 column 1 (char 0)"),
        ("1 2", "Extra data: line 1 column 3 (char 2)"),
        ("\"a\\qb\"", "Invalid \\escape: line 1 column 3 (char 2)"),
        ("01", "Extra data: line 1 column 2 (char 1)"),
        ("-", "Expecting value: line 1 column 1 (char 0)"),
        ("1.", "Expecting fraction digits: line 1 column 3 (char 2)"),
        ("\n [", "Expecting value: line 2 column 3 (char 3)"),
    ])
    func rejectsMalformedText(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
        do {
            _ = try JSONParser.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func readsUTF8WithAndWithoutEscapes() throws {
        #expect(try JSONParser.parse(#""é\n😀""#) == "é\n😀")
        #expect(try JSONParser.parse(#""x\n\u00e9y""#) == "x\néy")
        #expect(try JSONParser.parse(#""\t""#) == "\t")
    }

    @Test func rejectsInvalidUTF8AndRawControlCharacters() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xFF, 0x22]) }
        // After an escape, the rest of the string is checked too.
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0x5C, 0x6E, 0xC3, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("\"a\u{01}b\"") }
    }

    @Test func limitsNestingInsteadOfOverflowingTheStack() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(deep) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONParser.parse(fine) }
    }

    @Test func loneSurrogateBecomesReplacementCharacter() throws {
        #expect(try JSONParser.parse(#""\ud800x""#) == "\u{FFFD}x")
    }
}

@Suite struct JSONSerializationTests {
    /// Byte for byte what the original's `json.dumps` wrote (each expected
    /// text is python3's output for the same value).
    @Test func writesWhatJSONDumpsWrites() throws {
        let value: JSONValue = .string("q\"b\\n\n\t\u{01}é\u{08}\u{0C}😀\u{7F}")
        #expect(value.serialized() == #""q\"b\\n\n\t\u0001\u00e9\b\f\ud83d\ude00\u007f""#)
        #expect(try JSONParser.parse("[[],{},[1,[2,{}]]]").serialized() == "[[], {}, [1, [2, {}]]]")
        let stack = Message("stack", [
            "index": 0,
            "stack": [["file": "/a/é.py", "line": 1, "func": "<module>", "code": #"x = "ü""#]],
        ])
        let expected = #"{"e": "stack", "p": {"index": 0, "stack": [{"file": "/a/\u00e9.py", "line": 1, "#
            + #""func": "<module>", "code": "x = \"\u00fc\""}]}}"#
        #expect(stack.serialized() == expected)
    }

    @Test func roundTripsThroughTheParser() throws {
        let value: JSONValue = ["e": "print", "p": ["input": "<stdout>", "exc": false, "output": "a\u{7f}\u{0}"]]
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    @Test func doublesKeepTheirFraction() {
        #expect(JSONValue(2.0).serialized() == "2.0")
        #expect(JSONValue(0.1).serialized() == "0.1")
    }
}
