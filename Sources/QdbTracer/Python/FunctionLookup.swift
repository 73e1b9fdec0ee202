import CPython

/// Where a function is, as pdb's `b FUNCTION` finds it: evaluated in a
/// frame (or in `__main__` while the program runs), or else, for a
/// function not defined yet, the first `def NAME` in a file's source.
struct FunctionLookup {
    let evaluator: Evaluator

    /// `frame`: the selected frame, if stopped; `file`: the file whose
    /// source is searched when evaluation finds nothing.
    func function(named name: String, in frame: PythonFrame?, file: String?, sources: inout SourceFiles) -> FunctionLocation? {
        defer { PyErr_Clear() }
        let found: PythonObject?
        if let frame {
            found = try? evaluator.value(of: name, in: frame, applyingReprFunction: false).get()
        } else {
            found = try? PythonObject.importModule("__main__").attribute("__dict__").item(name)
        }
        if var function = found {
            if let underlying = try? function.attribute("__func__") {
                function = underlying
            }
            if let code = try? function.attribute("__code__") {
                return Self.location(of: code)
            }
        }
        guard let file, let lines = sources.lines(of: file) else { return nil }
        return Self.function(named: name, inSource: lines.joined(separator: "\n"), of: file)
    }

    /// The first function called `name` in `source`, compiled but not run.
    private static func function(named name: String, inSource source: String, of file: String) -> FunctionLocation? {
        guard let module = try? PythonObject.builtin("compile").call(
            PythonObject(source), PythonObject(file), PythonObject("exec"))
        else { return nil }
        var candidates = [module]
        var best: FunctionLocation?
        while let code = candidates.popLast() {
            for constant in (try? code.attribute("co_consts").sequenceItems) ?? [] {
                guard (try? constant.attribute("co_consts")) != nil else { continue }
                candidates.append(constant)
                if let location = location(of: constant), location.name == name,
                   location.defLine < best?.defLine ?? Int.max {
                    best = location
                }
            }
        }
        return best.map { FunctionLocation(name: $0.name, file: file, defLine: $0.defLine, firstLine: $0.firstLine) }
    }

    /// A code object's place. Its first line that runs is the first line
    /// its bytecode has past the `def` line (where RESUME is), as pdb's
    /// `find_first_executable_line` finds it.
    private static func location(of code: PythonObject) -> FunctionLocation? {
        guard let file = try? code.attribute("co_filename").stringValue,
              let defLine = try? code.attribute("co_firstlineno").intValue,
              let name = try? code.attribute("co_name").stringValue
        else { return nil }
        let ranges = (try? code.callMethod("co_lines")).flatMap { try? PythonObject.builtin("list").call($0).sequenceItems } ?? []
        let firstLine = ranges.lazy.compactMap { $0.sequenceItems.last?.intValue }.first { $0 != defLine } ?? defLine
        return FunctionLocation(name: name, file: FilePaths.canonical(file), defLine: defLine, firstLine: firstLine)
    }
}
