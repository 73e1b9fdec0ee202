import QdbProtocol
import Testing
@testable import QdbTracer

/// The breakpoint commands' rules, with files and Python stood in for.
struct FakeBreakpointEnvironment: BreakpointEnvironment {
    var files: [String: [String]] = [
        "/app/main.py": ["def square(n):", "    return n * n", "", "# done", "x = square(3)"],
    ]
    var functions: [String: FunctionLocation] = [
        "square": FunctionLocation(name: "square", file: "/app/main.py", defLine: 1, firstLine: 2),
    ]
    var defaultFile: String? = "/app/main.py"

    func lines(of file: String) -> [String]? { files[file] }

    func conditionError(_ condition: String) -> String? {
        condition.hasSuffix(">") ? "Invalid condition \(condition): 'SyntaxError: invalid syntax'" : nil
    }

    func function(named name: String) -> FunctionLocation? { functions[name] }

    func canonical(_ path: String) -> String { path.hasPrefix("/") ? path : "/app/" + path }

    func pythonRepr(_ payload: JSONValue) -> String { payload.serialized() }
}

struct BreakpointEditorTests {
    var editor = BreakpointEditor(environment: FakeBreakpointEnvironment())
    var table = BreakpointTable()

    mutating func add(_ payload: JSONValue, numbered: Bool = true) -> BreakpointEdit {
        switch editor.read(payload, command: numbered ? "add_break" : "set_break", numbered: numbered) {
        case .success(let request): editor.set(request, from: payload, numbered: numbered, in: &table)
        case .failure(let failure): failure.edit
        }
    }

    static func error(_ type: String, _ text: String) -> BreakpointEdit {
        BreakpointEdit(replies: [.error(ErrorInfo(type: type, text))])
    }

    static func change(_ action: BreakpointChangeInfo.Action, _ breakpoint: NumberedBreakpoint) -> Event {
        .breakChanged(BreakpointChangeInfo(action, breakpoint))
    }

    @Test mutating func numbersWhatItSetsAndChecksItAsPdbDoes() {
        let first = add(["file": "main.py", "line": 5])
        let five = NumberedBreakpoint(number: 1, location: BreakpointInfo(file: "/app/main.py", line: 5))
        #expect(first == BreakpointEdit(replies: [Self.change(.set, five)], changesTable: true))
        #expect(add(["line": 3]) == Self.error("add_break", "Blank or comment"))
        #expect(add(["line": 4]) == Self.error("add_break", "Blank or comment"))
        #expect(add(["line": 9]) == Self.error("add_break", "End of file"))
        #expect(add(["file": "gone.py", "line": 1]) == Self.error("add_break", "'gone.py' not found from sys.path"))
        #expect(add(["line": 5, "cond": "x >"])
            == Self.error("add_break", "Invalid condition x >: 'SyntaxError: invalid syntax'"))
        #expect(add(["file": 3]) == Self.error("add_break", #"Could not read Breakpoint from {"file": 3}"#))
        #expect(add(.null) == Self.error("payload", "add_break: expected payload"))
        #expect(table.all.map(\.number) == [1], "nothing else was set")
    }

    @Test mutating func putsAFunctionsBreakpointWherePdbAndTheOriginalDo() {
        _ = add(["func": "square"])
        #expect(table.all.last?.line == 2, "pdb 3.13: the first line that runs")
        _ = add(["func": "square"], numbered: false)
        #expect(table.all.last?.line == 1, "the original: the def line")
        #expect(add(["func": "cube"]) == Self.error(
            "add_break", "The specified object 'cube' is not a function or was not found along sys.path."))
        #expect(add(["func": "cube"], numbered: false)
            == Self.error("set_break", "Could not find function 'cube' (not defined yet? try FILE:LINE)"))
    }

    @Test mutating func theOriginalsSetBreakSaysNothingOrItsOwnError() {
        #expect(add(["line": 3], numbered: false) == BreakpointEdit(changesTable: true), "no pdb checks")
        #expect(add(["line": 9], numbered: false)
            == Self.error("set_breakpoint", #"Failed to set breakpoint: {"file": "/app/main.py", "line": 9, "temp": null, "cond": null, "func": null}"#))
        #expect(table.all.first?.isAnnounced == false)
    }

    @Test mutating func deletesByNumberPlaceOrAll() {
        _ = add(["line": 1])
        _ = add(["line": 2])
        _ = add(["line": 5])
        #expect(editor.delete(.number(2), in: &table).replies.count == 1)
        #expect(editor.delete(.number(2), in: &table) == Self.error("delete_break", "Breakpoint 2 already deleted"))
        #expect(editor.delete(.number(9), in: &table) == Self.error("delete_break", "Breakpoint number 9 out of range"))
        #expect(editor.delete(.number("x"), in: &table) == Self.error("delete_break", "Non-numeric breakpoint number x"))
        let place = BreakpointInfo(file: "/app/main.py", line: 2)
        #expect(editor.delete(.place(place), in: &table)
            == Self.error("delete_break", "There is no breakpoint at /app/main.py:2"))
        #expect(editor.delete(.place(BreakpointInfo(file: "/app/other.py", line: 2)), in: &table)
            == Self.error("delete_break", "There are no breakpoints in /app/other.py"))
        let all = editor.delete(.all, in: &table)
        #expect(all.replies.count == 2 && all.changesTable)
        #expect(table.isEmpty)
    }

    @Test mutating func updatesOneFieldAtATime() {
        _ = add(["line": 5])
        let disabled = editor.update(["number": 1, "enabled": false], in: &table)
        #expect(disabled.replies.first.flatMap { event -> BreakpointChangeInfo.Action? in
            guard case .breakChanged(let change) = event else { return nil }
            return change.action
        } == .disabled)
        #expect(table.all.first?.isEnabled == false)
        _ = editor.update(["number": 1, "cond": "x > 1"], in: &table)
        #expect(table.all.first?.condition == "x > 1")
        _ = editor.update(["number": 1, "cond": ""], in: &table)
        #expect(table.all.first?.condition == nil, "an empty condition removes it")
        _ = editor.update(["number": 1, "ignore": 3], in: &table)
        #expect(table.all.first?.ignoreCount == 3)
        _ = editor.update(["number": 1, "commands": ["p x", "continue"]], in: &table)
        #expect(table.all.first?.commands == ["p x", "continue"])
        #expect(editor.update(["number": 1, "ignore": "many"], in: &table)
            == Self.error("update_break", "update_break: 'ignore' must be an integer"))
        #expect(editor.update(["number": 1, "cond": "x >"], in: &table)
            == Self.error("update_break", "Invalid condition x >: 'SyntaxError: invalid syntax'"))
        #expect(editor.update(["number": 1], in: &table)
            == Self.error("update_break", "update_break: expected one of enabled, cond, ignore, commands"))
        #expect(editor.update(["number": 4, "enabled": true], in: &table)
            == Self.error("update_break", "Breakpoint number 4 out of range"))
    }
}
