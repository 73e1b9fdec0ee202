import QdbProtocol

/// The `setBreakpoints` requests still waiting for the tracer's word on
/// their breakpoints, each outcome filled in as its reply comes; and the
/// lines set in each file, which the next `setBreakpoints` of that file
/// replaces.
struct BreakpointBatches: Sendable {
    enum Outcome: Hashable, Sendable {
        /// Set: its number, if the tracer numbers breakpoints, and its line.
        case verified(id: Int?, line: Int?)
        case rejected(String)

        var json: JSONValue {
            switch self {
            case .verified(let id, let line):
                var members: [(String, JSONValue)] = [("verified", true)]
                if let id { members.append(("id", JSONValue(id))) }
                if let line { members.append(("line", JSONValue(line))) }
                return .object(JSONObject(members))
            case .rejected(let message):
                return ["verified": false, "message": .string(message)]
            }
        }
    }

    private struct Batch: Sendable {
        var request: DAPRequest
        var outcomes: [Outcome?]
    }

    private var batches: [Int: Batch] = [:]
    private var nextBatch = 1
    /// By file, as the editor names it.
    private var lines: [String: [Int]] = [:]

    /// Starts the batch of `request`, with `count` breakpoints; returns
    /// its number.
    mutating func begin(_ request: DAPRequest, count: Int) -> Int {
        defer { nextBatch += 1 }
        batches[nextBatch] = Batch(request: request, outcomes: Array(repeating: nil, count: count))
        return nextBatch
    }

    /// Records that `file` now has breakpoints on `newLines`; returns the
    /// lines it had, to clear.
    mutating func replaceLines(of file: String, with newLines: [Int]) -> [Int] {
        defer { lines[file] = newLines }
        return lines[file] ?? []
    }

    /// Records one breakpoint's outcome; returns the batch's response once
    /// every breakpoint of the batch has one.
    mutating func settle(_ batch: Int, _ index: Int, _ outcome: Outcome) -> DAPResponse? {
        guard var entry = batches[batch], entry.outcomes.indices.contains(index) else { return nil }
        entry.outcomes[index] = outcome
        guard entry.outcomes.allSatisfy({ $0 != nil }) else {
            batches[batch] = entry
            return nil
        }
        batches[batch] = nil
        return .success(entry.request, ["breakpoints": .array(entry.outcomes.compactMap { $0?.json })])
    }

    /// The response of a batch with no breakpoints, which nothing settles.
    mutating func finishIfEmpty(_ batch: Int) -> DAPResponse? {
        guard let entry = batches[batch], entry.outcomes.isEmpty else { return nil }
        batches[batch] = nil
        return .success(entry.request, ["breakpoints": []])
    }
}
