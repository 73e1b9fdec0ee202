import QdbProtocol

/// `lines[start:end]` as Python reads it, for the `list` command.
enum PythonSlice {
    /// A slice bound as Python's `int()` would read it: `.some(nil)` for
    /// absent or null, nil when it is not convertible.
    static func bound(_ value: JSONValue?) -> Int?? {
        switch value {
        case nil, .null?: return .some(nil)
        case .number(let number)?:
            if let integer = number.intValue { return integer }
            let double = number.doubleValue
            return double.isFinite ? Int(double) : nil
        case .bool(let flag)?: return flag ? 1 : 0
        case .string(let text)?: return Int(text.trimmingWhitespace()).map { .some($0) } ?? nil
        default: return nil
        }
    }

    /// `lines[start:end]` with Python's clamping and negative indices.
    static func range(count: Int, start: Int?, end: Int?) -> Range<Int> {
        func clamp(_ bound: Int?, default value: Int) -> Int {
            guard let bound else { return value }
            return bound < 0 ? max(0, count + bound) : min(bound, count)
        }
        let lower = clamp(start, default: 0)
        let upper = clamp(end, default: count)
        return lower..<max(lower, upper)
    }
}
