import QdbProtocol

/// One breakpoint, as bdb's `Breakpoint`: a location, optionally temporary,
/// conditional or restricted to a function, with a hit count.
struct Breakpoint: Equatable {
    let number: Int
    /// Canonical absolute path.
    let file: String
    let line: Int
    /// As the client sent it: nil unless sent, so it echoes back as null.
    let temporary: Bool?
    /// For a function breakpoint (`line` is then the `def` line), the name
    /// of the function.
    let function: String?
    fileprivate(set) var hits = 0
    /// pdb's `disable`/`enable`: a disabled breakpoint stays in the table
    /// and never stops.
    fileprivate(set) var isEnabled = true
    /// pdb's `ignore`: crossings still to pass before it stops.
    fileprivate(set) var ignoreCount = 0
    /// pdb's `condition` can change it after the fact.
    fileprivate(set) var condition: String?
    /// pdb's `commands`: console lines run when it stops the program.
    fileprivate(set) var commands: [String] = []
    /// Set with `add_break`: its changes are told in `break` events, such
    /// as a temporary one's deletion when it fires. (One set with the
    /// original's `set_break` changes as silently as in the original.)
    fileprivate(set) var isAnnounced = false
    /// bdb's `func_first_executable_line`: where a function breakpoint
    /// first stopped, so that only that line of the function stops.
    fileprivate var functionFirstLine: Int?

    var isTemporary: Bool { temporary == true }

    var info: BreakpointInfo {
        BreakpointInfo(file: file, line: line, temporary: temporary, condition: condition, function: function)
    }

    var numbered: NumberedBreakpoint {
        NumberedBreakpoint(
            number: number, location: info, isEnabled: isEnabled, ignoreCount: ignoreCount, hits: hits,
            commands: commands)
    }

    /// bdb's `checkfuncname`: whether this breakpoint applies to `frame`.
    /// A function breakpoint that never stopped stops at the first line it
    /// sees, and from then on only there.
    fileprivate func applies(to frame: some DebugFrame, at frameLine: Int) -> Bool {
        guard let function else {
            // A line breakpoint on a `def` line must not fire when the
            // function is called (the call event reports the def line).
            return line == frameLine
        }
        return frame.functionName == function && (functionFirstLine ?? frameLine) == frameLine
    }
}

/// What a hit changes in the table. A hit is worked out on a copy and the
/// changes applied afterwards, because running a condition (Python) lets
/// other threads run, and hit breakpoints, in the meantime.
enum BreakpointChange: Equatable {
    case counted(number: Int)
    /// One crossing of its ignore count passed.
    case ignored(number: Int)
    /// A function breakpoint learnt the line it stops at.
    case firstLine(number: Int, line: Int)
    /// A temporary breakpoint fired.
    case removed(number: Int)
}

/// What one hit changes, in order. Usually a single count, which is held
/// without allocating: a hot loop's conditional breakpoint comes here at
/// every turn.
struct BreakpointChanges: Sequence, Equatable {
    private var first: BreakpointChange?
    private var rest: [BreakpointChange] = []

    var isEmpty: Bool { first == nil }

    mutating func append(_ change: BreakpointChange) {
        if first == nil {
            first = change
        } else {
            rest.append(change)
        }
    }

    func makeIterator() -> Iterator {
        Iterator(first: first, rest: rest.makeIterator())
    }

    struct Iterator: IteratorProtocol {
        fileprivate var first: BreakpointChange?
        fileprivate var rest: IndexingIterator<[BreakpointChange]>

        mutating func next() -> BreakpointChange? {
            guard let change = first else { return rest.next() }
            first = nil
            return change
        }
    }
}

/// The outcome of evaluating a breakpoint condition in a frame.
enum ConditionOutcome: Equatable {
    case satisfied
    case unsatisfied
    /// The condition raised: the class name and "Type: message".
    case failed(exception: String, output: String)
}

/// The breakpoint that stops the program, by number. When its condition
/// raised, the program stops anyway and the user is told (bdb keeps a
/// temporary breakpoint in that case, and so do we).
struct BreakpointStop: Equatable {
    let number: Int
    /// Its `commands` as they were when it stopped: a temporary breakpoint
    /// is gone by the time they run.
    var commands: [String] = []
    var conditionFailure: ConditionFailure?
}

/// Every breakpoint of the session, in creation order (the order `start`
/// echoes them in), indexed by file and line.
struct BreakpointTable {
    private(set) var all: [Breakpoint] = []
    private var nextNumber = 1
    private var linesByFile: [String: [Int: Int]] = [:]  // file -> line -> breakpoint count

    /// Changes whenever a breakpoint is added or removed, so that caches of
    /// "does this code hold a breakpoint" know when to start over.
    private(set) var generation = 0

    var isEmpty: Bool { all.isEmpty }

    @discardableResult
    mutating func add(
        file: String, line: Int, temporary: Bool? = nil, condition: String? = nil, function: String? = nil,
        isAnnounced: Bool = false
    ) -> Breakpoint {
        let breakpoint = Breakpoint(
            number: nextNumber, file: file, line: line, temporary: temporary, function: function,
            condition: condition, isAnnounced: isAnnounced)
        nextNumber += 1
        all.append(breakpoint)
        linesByFile[file, default: [:]][line, default: 0] += 1
        generation += 1
        return breakpoint
    }

    /// Removes every breakpoint at `file:line`; false if there was none.
    @discardableResult
    mutating func clear(file: String, line: Int) -> Bool {
        let count = all.count
        all.removeAll { $0.file == file && $0.line == line }
        guard all.count != count else { return false }
        linesByFile[file]?[line] = nil
        if linesByFile[file]?.isEmpty == true {
            linesByFile[file] = nil
        }
        generation += 1
        return true
    }

    mutating func remove(number: Int) {
        guard let index = all.firstIndex(where: { $0.number == number }) else { return }
        let removed = all.remove(at: index)
        let remaining = (linesByFile[removed.file]?[removed.line] ?? 1) - 1
        linesByFile[removed.file]?[removed.line] = remaining > 0 ? remaining : nil
        if linesByFile[removed.file]?.isEmpty == true {
            linesByFile[removed.file] = nil
        }
        generation += 1
    }

    mutating func removeAll() {
        guard !all.isEmpty else { return }
        all.removeAll()
        linesByFile.removeAll()
        generation += 1
    }

    /// bdb's `break_anywhere`: the file holds a breakpoint.
    func hasBreakpoints(inFile file: String) -> Bool {
        linesByFile[file] != nil
    }

    /// The lines of `file` that hold breakpoints.
    func lines(inFile file: String) -> Dictionary<Int, Int>.Keys? {
        linesByFile[file]?.keys
    }

    /// bdb's `break_here` and `effective`: the breakpoint that stops
    /// `frame` at its current line (or at its `def` line, for function
    /// breakpoints), if any, and what that changes: hits counted, ignore
    /// counts passed, a temporary breakpoint that fired removed (see
    /// `apply`). Disabled breakpoints are passed over. `frameLine` is the
    /// frame's line, which the caller may know without asking the frame.
    func hit<Frame: DebugFrame>(
        in frame: Frame, at frameLine: Int, evaluate: (String, Frame) -> ConditionOutcome
    ) -> (BreakpointStop?, BreakpointChanges) {
        // By index, not by element: a hot loop's conditional breakpoint
        // comes here at every turn, and a copy of each breakpoint would
        // retain and release all its strings. A scan, not `linesByFile`:
        // hashing the file's path costs more than comparing the lines of
        // the few breakpoints a session has, and only code that holds one
        // comes here.
        let file = frame.file
        func holdsBreakpoint(_ line: Int) -> Bool {
            all.indices.contains { all[$0].line == line && all[$0].file == file }
        }
        var line = frameLine
        if !holdsBreakpoint(line) {
            line = frame.firstLine
            guard holdsBreakpoint(line) else { return (nil, BreakpointChanges()) }
        }
        var changes = BreakpointChanges()
        for index in all.indices where all[index].line == line && all[index].file == file {
            guard all[index].isEnabled, all[index].applies(to: frame, at: frameLine) else { continue }
            let number = all[index].number
            if all[index].function != nil && all[index].functionFirstLine == nil {
                changes.append(.firstLine(number: number, line: frameLine))
            }
            changes.append(.counted(number: number))
            if let condition = all[index].condition {
                switch evaluate(condition, frame) {
                case .unsatisfied:
                    continue
                case .satisfied:
                    break
                case .failed(let exception, let output):
                    // The ignore count does not hold back a stop that tells
                    // the user their condition is broken.
                    let failure = ConditionFailure(condition: condition, line: line, exception: exception, output: output)
                    let stop = BreakpointStop(number: number, commands: all[index].commands, conditionFailure: failure)
                    return (stop, changes)
                }
            }
            if all[index].ignoreCount > 0 {
                changes.append(.ignored(number: number))
                continue
            }
            if all[index].isTemporary {
                changes.append(.removed(number: number))
            }
            return (BreakpointStop(number: number, commands: all[index].commands), changes)
        }
        return (nil, changes)
    }

    /// Applies what `hit` found, to breakpoints that still exist. Returns
    /// the announced breakpoints it removed.
    @discardableResult
    mutating func apply(_ changes: BreakpointChanges) -> [Breakpoint] {
        guard !changes.isEmpty else { return [] }
        var removed: [Breakpoint] = []
        for change in changes {
            switch change {
            case .counted(let number):
                update(number) { $0.hits += 1 }
            case .ignored(let number):
                update(number) { $0.ignoreCount = max(0, $0.ignoreCount - 1) }
            case .firstLine(let number, let line):
                update(number) { $0.functionFirstLine = $0.functionFirstLine ?? line }
            case .removed(let number):
                if let breakpoint = all.first(where: { $0.number == number }), breakpoint.isAnnounced {
                    removed.append(breakpoint)
                }
                remove(number: number)
            }
        }
        return removed
    }

    private mutating func update(_ number: Int, _ body: (inout Breakpoint) -> Void) {
        if let index = all.firstIndex(where: { $0.number == number }) {
            body(&all[index])
        }
    }

    // MARK: pdb's numbered operations

    /// pdb's `get_bpbynumber`: the breakpoint a client's number names, or
    /// pdb's error text for it.
    func breakpoint(numbered value: JSONValue?) throws(BreakpointNumberError) -> Breakpoint {
        let number: Int
        switch value {
        case nil, .null?:
            throw .expected
        case .string(let text)?:
            guard !text.isEmpty else { throw .expected }
            guard let parsed = Int(text) else { throw .nonNumeric(text) }
            number = parsed
        case let other?:
            guard let parsed = other.intValue else { throw .nonNumeric(other.stringValue ?? other.serialized()) }
            number = parsed
        }
        guard number > 0 && number < nextNumber else { throw .outOfRange(number) }
        guard let breakpoint = all.first(where: { $0.number == number }) else { throw .deleted(number) }
        return breakpoint
    }

    /// Every breakpoint at `file:line`, for `delete_break` to report.
    func breakpoints(atFile file: String, line: Int) -> [Breakpoint] {
        all.filter { $0.file == file && $0.line == line }
    }

    mutating func setEnabled(_ isEnabled: Bool, number: Int) {
        update(number) { $0.isEnabled = isEnabled }
    }

    mutating func setCondition(_ condition: String?, number: Int) {
        update(number) { $0.condition = condition }
    }

    mutating func setIgnoreCount(_ count: Int, number: Int) {
        update(number) { $0.ignoreCount = max(0, count) }
    }

    mutating func setCommands(_ commands: [String], number: Int) {
        update(number) { $0.commands = commands }
    }
}

/// Why a breakpoint number names no breakpoint, in pdb's words.
enum BreakpointNumberError: Error, Equatable, CustomStringConvertible {
    case expected
    case nonNumeric(String)
    case outOfRange(Int)
    case deleted(Int)

    var description: String {
        switch self {
        case .expected: "Breakpoint number expected"
        case .nonNumeric(let text): "Non-numeric breakpoint number \(text)"
        case .outOfRange(let number): "Breakpoint number \(number) out of range"
        case .deleted(let number): "Breakpoint \(number) already deleted"
        }
    }
}
