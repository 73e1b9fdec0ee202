@testable import QdbTracer

/// A frame of a pretend program, for testing the debugger core without
/// Python. Identity is the node's.
final class FakeFrameNode {
    let file: String
    let functionName: String
    let firstLine: Int
    let isGeneratorLike: Bool
    let isSkipped: Bool
    let back: FakeFrameNode?
    var line: Int

    init(file: String, functionName: String, firstLine: Int, isGeneratorLike: Bool, isSkipped: Bool, back: FakeFrameNode?) {
        self.file = file
        self.functionName = functionName
        self.firstLine = firstLine
        self.isGeneratorLike = isGeneratorLike
        self.isSkipped = isSkipped
        self.back = back
        line = firstLine
    }
}

struct FakeFrame: DebugFrame, CustomStringConvertible {
    let node: FakeFrameNode

    static func == (lhs: FakeFrame, rhs: FakeFrame) -> Bool { lhs.node === rhs.node }

    var back: FakeFrame? { node.back.map(FakeFrame.init) }
    var line: Int { node.line }
    var file: String { node.file }
    var functionName: String { node.functionName }
    var firstLine: Int { node.firstLine }
    var isGeneratorLike: Bool { node.isGeneratorLike }
    var isSkipped: Bool { node.isSkipped }
    var description: String { "\(functionName):\(line)" }
}

/// Where the pretend program stopped, and why.
struct FakeStop: Equatable, CustomStringConvertible {
    var kind: StopKind
    var function: String
    var line: Int

    var description: String { "\(kind) \(function):\(line)" }
}

/// Drives a `Debugger` with the events a pretend program produces, the
/// way the trace hook does: frames that the debugger ignored get no line
/// events, and every stop asks `onStop` for the user's command.
struct FakeProgram {
    var debugger = Debugger<FakeFrame>()
    var breakpoints = BreakpointTable()
    var stops: [FakeStop] = []
    var conditions: [String: Bool] = [:]
    /// Whether `step` stops where a function starts (`call_stops`).
    var stopsAtCalls = false
    var onStop: (inout Debugger<FakeFrame>, FakeFrame) -> Void = { debugger, _ in debugger.setStep() }
    private var untraced: Set<ObjectIdentifier> = []

    mutating func call(_ function: String, file: String = "/app/main.py", line: Int, from caller: FakeFrame?,
                       generator: Bool = false, skipped: Bool = false) -> FakeFrame {
        let frame = FakeFrame(node: FakeFrameNode(
            file: file, functionName: function, firstLine: line, isGeneratorLike: generator, isSkipped: skipped,
            back: caller?.node))
        guard !skipped else { return frame }
        if debugger.call(frame, breakpoints: breakpoints) == .ignoreFrame {
            untraced.insert(ObjectIdentifier(frame.node))
        } else if stopsAtCalls && debugger.stopsAtCall(frame) {
            handle(.stop(.call), frame)
        }
        return frame
    }

    /// Whether the debugger chose not to trace `frame` when it started.
    func isUntraced(_ frame: FakeFrame) -> Bool {
        untraced.contains(ObjectIdentifier(frame.node))
    }

    mutating func line(_ frame: FakeFrame, _ number: Int) {
        frame.node.line = number
        guard !frame.isSkipped, !untraced.contains(ObjectIdentifier(frame.node)) else { return }
        let conditions = conditions
        let (decision, changes) = debugger.line(frame, breakpoints: breakpoints) { condition, _ in
            // Conditions the test did not define raise, as NameError would.
            conditions[condition].map { $0 ? .satisfied : .unsatisfied }
                ?? .failed(exception: "NameError", output: "NameError: name '\(condition)' is not defined")
        }
        breakpoints.apply(changes)
        handle(decision, frame)
    }

    mutating func lines(_ frame: FakeFrame, _ numbers: Int...) {
        for number in numbers {
            line(frame, number)
        }
    }

    mutating func returning(_ frame: FakeFrame) {
        guard !frame.isSkipped else { return }
        handle(debugger.returning(frame), frame)
    }

    mutating func exception(_ frame: FakeFrame, kind: ExceptionKind = .other) {
        guard !frame.isSkipped else { return }
        handle(debugger.exception(frame, kind: kind), frame)
    }

    private mutating func handle(_ decision: TraceDecision, _ frame: FakeFrame) {
        guard case .stop(let kind, _) = decision else { return }
        stops.append(FakeStop(kind: kind, function: frame.functionName, line: frame.line))
        onStop(&debugger, frame)
    }
}
