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
    let condition: String?
    /// For a function breakpoint (`line` is then the `def` line), the name
    /// of the function.
    let function: String?
    fileprivate(set) var hits = 0
    /// bdb's `func_first_executable_line`: where a function breakpoint
    /// first stopped, so that only that line of the function stops.
    fileprivate var functionFirstLine: Int?

    var isTemporary: Bool { temporary == true }

    var info: BreakpointInfo {
        BreakpointInfo(file: file, line: line, temporary: temporary, condition: condition, function: function)
    }

    /// bdb's `checkfuncname`: whether this breakpoint applies to `frame`.
    /// A function breakpoint that never stopped stops at the first line it
    /// sees, and from then on only there.
    fileprivate func applies(to frame: some DebugFrame) -> Bool {
        guard let function else {
            // A line breakpoint on a `def` line must not fire when the
            // function is called (the call event reports the def line).
            return line == frame.line
        }
        return frame.functionName == function && (functionFirstLine ?? frame.line) == frame.line
    }
}

/// What a hit changes in the table. A hit is worked out on a copy and the
/// changes applied afterwards, because running a condition (Python) lets
/// other threads run, and hit breakpoints, in the meantime.
enum BreakpointChange: Equatable {
    case counted(number: Int)
    /// A function breakpoint learnt the line it stops at.
    case firstLine(number: Int, line: Int)
    /// A temporary breakpoint fired.
    case removed(number: Int)
}

/// The outcome of evaluating a breakpoint condition in a frame.
enum ConditionOutcome: Equatable {
    case satisfied
    case unsatisfied
    /// The condition raised: the class name and "Type: message".
    case failed(exception: String, output: String)
}

/// What `breakpointHit` found at a frame's location.
enum BreakpointHit: Equatable {
    case none
    case hit
    /// A condition raised: stop, and tell the user (bdb keeps temporary
    /// breakpoints in this case, and so do we).
    case conditionFailed(ConditionFailure)
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
        file: String, line: Int, temporary: Bool? = nil, condition: String? = nil, function: String? = nil
    ) -> Breakpoint {
        let breakpoint = Breakpoint(
            number: nextNumber, file: file, line: line, temporary: temporary, condition: condition,
            function: function)
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

    /// bdb's `break_here` and `effective`: whether `frame` should stop for a
    /// breakpoint at its current line (or at its `def` line, for function
    /// breakpoints), and what that changes: the hit counted, a temporary
    /// breakpoint that fired removed (see `apply`).
    func hit<Frame: DebugFrame>(
        in frame: Frame, evaluate: (String, Frame) -> ConditionOutcome
    ) -> (BreakpointHit, [BreakpointChange]) {
        guard let lines = linesByFile[frame.file] else { return (.none, []) }
        var line = frame.line
        if lines[line] == nil {
            line = frame.firstLine
            guard lines[line] != nil else { return (.none, []) }
        }
        var changes: [BreakpointChange] = []
        for breakpoint in all where breakpoint.file == frame.file && breakpoint.line == line {
            guard breakpoint.applies(to: frame) else { continue }
            if breakpoint.function != nil && breakpoint.functionFirstLine == nil {
                changes.append(.firstLine(number: breakpoint.number, line: frame.line))
            }
            changes.append(.counted(number: breakpoint.number))
            let fired = BreakpointChange.removed(number: breakpoint.number)
            guard let condition = breakpoint.condition else {
                return (.hit, breakpoint.isTemporary ? changes + [fired] : changes)
            }
            switch evaluate(condition, frame) {
            case .unsatisfied:
                continue
            case .satisfied:
                return (.hit, breakpoint.isTemporary ? changes + [fired] : changes)
            case .failed(let exception, let output):
                let failure = ConditionFailure(condition: condition, line: line, exception: exception, output: output)
                return (.conditionFailed(failure), changes)
            }
        }
        return (.none, changes)
    }

    /// Applies what `hit` found, to breakpoints that still exist.
    mutating func apply(_ changes: [BreakpointChange]) {
        guard !changes.isEmpty else { return }
        for change in changes {
            switch change {
            case .counted(let number):
                update(number) { $0.hits += 1 }
            case .firstLine(let number, let line):
                update(number) { $0.functionFirstLine = $0.functionFirstLine ?? line }
            case .removed(let number):
                remove(number: number)
            }
        }
    }

    private mutating func update(_ number: Int, _ body: (inout Breakpoint) -> Void) {
        if let index = all.firstIndex(where: { $0.number == number }) {
            body(&all[index])
        }
    }
}
