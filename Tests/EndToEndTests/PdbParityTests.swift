#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QdbTestSupport
import Testing

/// The same commands typed at `python3.13 -m pdb` and at `qdb-cli run`, on
/// the same program, each in a pseudo-terminal: what each command prints
/// must be the same lines. pdb 3.13 is the reference for qdb-cli's texts;
/// without a python3.13 on this machine there is nothing to compare with.
@Suite(.serialized, .enabled(if: PdbReference.python != nil, "no python3.13 to run pdb with"))
struct PdbParityTests {
    static let program = Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/breakpoints.py"

    @Test func breakpointsAsPdbListsAndChangesThem() throws {
        let file = Self.program
        try compare([
            "b",
            "b 10",
            "b square",
            "b \(file):2, n > 2",
            "tbreak 11",
            "b",
            "b 4",
            "b 9",
            "b 99",
            "b nofile.py:3",
            "disable 1",
            "enable 1 3",
            "condition 3 n > 3",
            "condition 3",
            "ignore 1 2",
            "ignore 1",
            "ignore 9 1",
            "disable 9",
            "condition x",
            "b",
            "cl \(file):10",
            "cl \(file):10",
            "cl 2 4",
            "cl 2",
            "b",
        ])
    }

    @Test func stopsAtBreakpointsAsPdbDoes() throws {
        try compare([
            "n",
            "n",
            "b 10, i == 3",
            "tbreak square",
            "c",
            "p n",
            "c",
            "p i",
            "b",
            "cl 1",
            "b 2",
            "ignore 3 1",
            "c",
            "p n",
            "cl",
            "y",
            "b",
        ])
    }

    @Test func runsBreakpointCommandsAsPdbDoes() throws {
        try compare([
            "n",
            "n",
            "b 2",
            "commands 1",
            "silent",
            "p n",
            "end",
            "c",
            "b 11",
            "commands 2",
            "p total",
            "continue",
            "b 15",
            "cl 1",
            "c",
        ])
    }

    @Test func inspectsAFrameAsPdbDoes() throws {
        try compare([
            "n",
            "n",
            "b square",
            "c",
            "a",
            "ll",
            "whatis square",
            "whatis n",
            "display n * 10",
            "display",
            "retval",
            "source square",
            "undisplay",
        ])
    }

    @Test func listsAsPdbDoes() throws {
        try compare(["l", "l", "l", "l .", "l 5", "l 2, 4", "l 14, 20", "ll"])
    }

    /// `where` and its aliases, a return stop (`--Return--`, `->VALUE`),
    /// `until LINE` and `jump`.
    @Test func movesAsPdbDoes() throws {
        try compare(["b 2", "c", "w", "r", "bt", "u", "d", "n", "cl 1", "unt 11", "p total", "j 8", "j 11"])
    }

    /// `s` into a function (`--Call--`), arguments that commands without
    /// one refuse, `u COUNT` and `d COUNT`, and a returned string shown as
    /// its repr.
    @Test func refusesArgumentsAndCountsFramesAsPdbDoes() throws {
        try compare(
            [
                "n * 2", "w 1", "ll 3", "rv x", "s 1", "b 7", "c", "s", "w", "s", "a 1", "c = 3", "r", "w", "u 0",
                "u 2", "d -1", "u x", "d 3", "d", "n",
            ],
            program: [Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/greeting.py"])
    }

    /// `-m pytest`: pdb and qdb-cli stop in the code under test alike.
    @Test(.enabled(if: ClientRunTests.testSite != nil, "no pytest: run the tests with make test"))
    func runsAModuleAsPdbDoes() throws {
        let calc = ClientRunTests.project + "/calc.py"
        try compare(
            ["b \(calc):2", "c", "a", "n", "p result"],
            program: ["-m", "pytest", ClientRunTests.project + "/test_calc.py"],
            // pdb 3.13.0 takes options after `-m pytest` for its own; pdb
            // reads the terminal, which pytest captures without -s.
            environment: [
                "PYTHONPATH": ClientRunTests.testSite ?? "", "PYTHONDONTWRITEBYTECODE": "1",
                "PYTEST_ADDOPTS": "-q -s -p no:cacheprovider",
            ])
    }

    /// Runs `commands` in both debuggers, each running `program` (by
    /// default the breakpoints fixture), and expects the same lines from
    /// each command.
    private func compare(
        _ commands: [String], program: [String] = [Self.program], environment extra: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let python = try #require(PdbReference.python)
        let home = try makeScratchDirectory("qdb-parity")
        defer { try? FileManager.default.removeItem(atPath: home) }
        let environment = ["HOME": home, "TERM": "dumb", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"]
            .merging(extra) { $1 }

        let pdb = try PseudoTerminal(executable: python, arguments: ["-m", "pdb"] + program, environment: environment)
        let expected = try Self.record(commands, in: pdb, prompt: "(Pdb) ").map(Self.droppingPdbsOwnFrames)
        let uuid = "parity-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink("/tmp/qdb/.\(uuid)") }
        let qdb = try PseudoTerminal(
            executable: try Executables.path(of: "qdb-cli"), arguments: ["run", "-u", uuid] + program,
            environment: environment)
        let actual = try Self.record(commands, in: qdb, prompt: "(qdb) ")
        for (index, command) in commands.enumerated() {
            #expect(actual[index] == expected[index], "after \(command.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    /// A stack without the frames `python -m pdb` runs the program from
    /// (bdb's `run` and its `<string>`), which qdb does not show.
    private static func droppingPdbsOwnFrames(_ lines: [String]) -> [String] {
        var kept: [String] = []
        var followsBdbFrame = false
        for line in lines {
            let isBdbFrame = line.hasPrefix("  ") && line.contains("/bdb.py(") && line.hasSuffix(")run()")
            let isItsCode = followsBdbFrame && line.hasPrefix("-> ")
            followsBdbFrame = isBdbFrame
            if isBdbFrame || isItsCode || line == "  <string>(1)<module>()" {
                continue
            }
            kept.append(line)
        }
        return kept
    }

    /// The prompts a debugger reads lines with: its own, `commands`', and
    /// `clear`'s question.
    private static func prompts(_ prompt: String) -> [String] {
        [prompt, "(com) ", "Clear all breaks? "]
    }

    /// Types each command once the debugger prompts, and returns the lines
    /// each one printed: without its echo, the prompts, and the blank lines
    /// a prompt leaves.
    private static func record(_ commands: [String], in terminal: PseudoTerminal, prompt: String) throws -> [[String]] {
        let prompts = prompts(prompt)
        let endsWithPrompt = { (screen: String) in prompts.contains { screen.hasSuffix($0) } }
        var screen = try terminal.waitUntil(timeout: .seconds(30), endsWithPrompt)
        var printed: [[String]] = []
        for command in commands {
            let start = screen.count
            terminal.type(command + "\r")
            screen = try terminal.waitUntil(timeout: .seconds(30)) { screen in
                screen.dropFirst(start).contains("\n") && endsWithPrompt(screen)
            }
            var lines = screen.dropFirst(start).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.first == command, "the echo of \(command.debugDescription)")
            lines.removeFirst()
            printed.append(lines.compactMap { line in
                var line = line
                while let prompt = prompts.first(where: { line.hasPrefix($0) }) {
                    line.removeFirst(prompt.count)
                }
                return line.isEmpty ? nil : line
            })
        }
        terminal.type("q\r")
        return printed
    }
}

/// The interpreter pdb runs under for the comparison.
enum PdbReference {
    /// The python under test when it is a 3.13, or else the 3.13 that
    /// tools/pythons.sh finds.
    static let python: String? = {
        var candidates = (try? [Executables.python()]) ?? []
        candidates += pythonsFound()
        return candidates.first { version(of: $0) == "3.13" }
    }()

    private static func version(of python: String) -> String? {
        output(of: [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
    }

    /// The interpreters tools/pythons.sh finds, one of each version.
    private static func pythonsFound() -> [String] {
        output(of: [Executables.packageRoot + "/tools/pythons.sh"])?.split(separator: "\n").map(String.init) ?? []
    }

    /// What `command` prints, trimmed; nil when it does not run or fails.
    private static func output(of command: [String]) -> String? {
        guard let process = try? ChildProcess("/usr/bin/env", command), process.waitForExit(timeout: 60) == 0 else {
            return nil
        }
        return process.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
