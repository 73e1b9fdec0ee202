import CPython

/// Forwards the program's output to the clients while it still reaches the
/// real streams: `sys.stdout` and `sys.stderr` are replaced by the shim's
/// `OutputTee` (python/qdb/output.py), which writes through and calls
/// `_qdb.write_output` once per `write()`.
final class OutputRedirection {
    private struct Swap {
        let name: String
        let original: PythonObject
        let tee: PythonObject
    }

    private let swaps: [Swap]

    init() throws(PythonError) {
        let teeClass = try PythonObject.importModule("qdb.output").attribute("OutputTee")
        var swaps: [Swap] = []
        for (name, label) in [("stdout", "<stdout>"), ("stderr", "<stderr>")] {
            guard let current = PySys_GetObject(name) else { continue }
            let original = PythonObject(borrowing: current)
            let tee = try teeClass.call(original, PythonObject(label))
            PySys_SetObject(name, tee.pointer)
            swaps.append(Swap(name: name, original: original, tee: tee))
        }
        self.swaps = swaps
    }

    /// Puts the original streams back, unless the program replaced ours
    /// with its own meanwhile.
    func restore() {
        for swap in swaps where PySys_GetObject(swap.name) == swap.tee.pointer {
            PySys_SetObject(swap.name, swap.original.pointer)
        }
    }
}
