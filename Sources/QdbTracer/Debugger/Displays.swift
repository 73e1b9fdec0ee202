/// pdb's `display`: expressions shown again at each stop in a function
/// whenever their value changed. pdb keys them by frame object; here they
/// belong to the function (its code), so they follow it from call to call
/// and need no frame kept alive. Values are compared by their repr text.
struct Displays {
    /// Expressions and their last shown text, per function key.
    private var byFunction: [String: [(expression: String, shown: String)]] = [:]

    func entries(of function: String) -> [(expression: String, shown: String)] {
        byFunction[function] ?? []
    }

    var isEmpty: Bool { byFunction.isEmpty }

    /// Adds `expression` (or gives it a new value) for `function`.
    mutating func add(_ expression: String, shown: String, for function: String) {
        var entries = byFunction[function] ?? []
        if let index = entries.firstIndex(where: { $0.expression == expression }) {
            entries[index].shown = shown
        } else {
            entries.append((expression, shown))
        }
        byFunction[function] = entries
    }

    /// Removes `expression`, or all of the function's with nil; false when
    /// the expression was not displayed.
    mutating func remove(_ expression: String?, for function: String) -> Bool {
        guard let expression else {
            byFunction[function] = nil
            return true
        }
        guard var entries = byFunction[function],
              let index = entries.firstIndex(where: { $0.expression == expression })
        else { return false }
        entries.remove(at: index)
        byFunction[function] = entries.isEmpty ? nil : entries
        return true
    }

    /// Re-evaluates the function's expressions with `evaluate` and returns
    /// those whose text changed, with the old text.
    mutating func refresh(for function: String, _ evaluate: (String) -> String) -> [(expression: String, value: String, old: String)] {
        guard var entries = byFunction[function] else { return [] }
        var changed: [(String, String, String)] = []
        for index in entries.indices {
            let value = evaluate(entries[index].expression)
            if value != entries[index].shown {
                changed.append((entries[index].expression, value, entries[index].shown))
                entries[index].shown = value
            }
        }
        byFunction[function] = entries
        return changed
    }
}
