import QdbProtocol

/// `catch NAME`: the exception classes that stop the program where they are
/// raised, even when something catches them later.
struct ExceptionCatches: Equatable {
    /// `catch` alone: any exception but the ones Python uses for control
    /// flow, which user code raises and catches all the time without
    /// anything going wrong.
    static let anyException = Event.anyException
    private static let controlFlow: Set<String> = ["StopIteration", "StopAsyncIteration", "GeneratorExit"]

    /// In the order they were added.
    private(set) var names: [String] = []

    var isEmpty: Bool { names.isEmpty }

    mutating func add(_ name: String) {
        if !names.contains(name) {
            names.append(name)
        }
    }

    /// Removes one name, or every name with nil. False if it was not there.
    @discardableResult
    mutating func remove(_ name: String?) -> Bool {
        guard let name else {
            defer { names = [] }
            return !names.isEmpty
        }
        guard names.contains(name) else { return false }
        names.removeAll { $0 == name }
        return true
    }

    /// Whether an exception stops here. `classNames` are the names of its
    /// class and of each base class, the class first; each class answers to
    /// its `__qualname__` and to `module.qualname`.
    func catches(classNames: [[String]]) -> Bool {
        guard let own = classNames.first else { return false }
        if names.contains(Self.anyException) && !own.contains(where: Self.controlFlow.contains) {
            return true
        }
        return classNames.contains { aliases in aliases.contains(where: names.contains) }
    }
}
