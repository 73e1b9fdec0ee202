import QdbProtocol

/// The watched expressions in insertion order, each with its value at the
/// last evaluation. Re-adding an expression keeps its place.
struct Watchlist {
    private(set) var entries: [WatchEntry] = []

    var expressions: [String] { entries.map(\.expression) }

    mutating func add(_ expressions: [String]) {
        for expression in expressions where !entries.contains(where: { $0.expression == expression }) {
            entries.append(WatchEntry(expression: expression, value: .null))
        }
    }

    /// Removes the given expressions; unknown ones are ignored.
    mutating func remove(_ expressions: [String]) {
        entries.removeAll { expressions.contains($0.expression) }
    }

    /// Re-evaluates every expression with `evaluate`, which returns the
    /// value or the exception class name and its text.
    mutating func refresh(_ evaluate: (String) -> Result<JSONValue, EvaluationFailure>) {
        for index in entries.indices {
            switch evaluate(entries[index].expression) {
            case .success(let value):
                entries[index].exception = nil
                entries[index].value = value
            case .failure(let failure):
                entries[index].exception = failure.exception
                entries[index].value = .string(failure.output)
            }
        }
    }
}

/// Why evaluating user code failed, as the protocol reports it: the
/// exception class name and the serialised exception ("NameError: name 'x'
/// is not defined").
struct EvaluationFailure: Error, Equatable {
    var exception: String
    var output: String
}
