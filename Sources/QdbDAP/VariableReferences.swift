import QdbProtocol

/// DAP's `variablesReference` numbers for what a stop shows: a frame's
/// scopes and the values inside them. They hold while the program stays
/// stopped; a number is never given out twice, so an editor asking with
/// one from an earlier stop gets an error rather than another value.
struct VariableReferences {
    struct Target: Hashable {
        var frame: Int
        var root: VariablesRequest.Root
        var path: [Int]
    }

    private var first = 1
    private var targets: [Target] = []

    mutating func reference(to target: Target) -> Int {
        if let index = targets.firstIndex(of: target) {
            return first + index
        }
        targets.append(target)
        return first + targets.count - 1
    }

    func target(of reference: Int) -> Target? {
        targets.indices.contains(reference - first) ? targets[reference - first] : nil
    }

    /// The program moves on: every reference given out so far is stale.
    mutating func invalidate() {
        first += targets.count
        targets = []
    }
}
