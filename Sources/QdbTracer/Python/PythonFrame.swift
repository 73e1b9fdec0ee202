import CPython

public typealias FramePointer = UnsafeMutablePointer<PyFrameObject>

extension PythonObject {
    /// The object as a frame object; it must be one (a traceback's
    /// `tb_frame`, a coroutine's `cr_frame`).
    var framePointer: FramePointer {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: PyFrameObject.self)
    }
}

/// What the debugger needs to know about a code object, worked out once per
/// code object and cached on it (see `CodeInfoCache`).
final class CodeInfo {
    let file: String
    let functionName: String
    let firstLine: Int
    let isGeneratorLike: Bool
    /// The lines that have code (from `co_lines`), worked out when first
    /// asked: only for code in files that hold breakpoints.
    private var lineNumbers: Set<Int>?

    /// Whether the skip rule hides this code, as of `generation` of the rule.
    private(set) var isSkipped: Bool
    private(set) var generation: Int

    init(code: UnsafeMutablePointer<PyCodeObject>, skipRule: SkipRule) {
        file = FilePaths.canonical(PythonObject(borrowing: qdb_code_filename(code)).stringValue ?? "<unknown>")
        functionName = PythonObject(borrowing: qdb_code_name(code)).stringValue ?? "?"
        firstLine = Int(qdb_code_first_line(code))
        isGeneratorLike = qdb_code_is_generator_like(code) != 0
        isSkipped = skipRule.skips(file)
        generation = skipRule.generation
    }

    /// The code's lines; `code` must be the object this describes.
    func lines(of code: UnsafeMutablePointer<PyCodeObject>) -> Set<Int> {
        if let lineNumbers { return lineNumbers }
        var lines: Set<Int> = []
        let object = PythonObject(borrowing: UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self))
        if let entries = try? PythonObject.builtin("list").call(object.callMethod("co_lines")) {
            for entry in entries.sequenceItems {
                if let line = entry.sequenceItems.last?.intValue {
                    lines.insert(line)
                }
            }
        }
        PyErr_Clear()
        lineNumbers = lines
        return lines
    }

    /// Re-applies the skip rule if it changed since this was computed.
    func refresh(for skipRule: SkipRule) {
        guard generation != skipRule.generation else { return }
        isSkipped = skipRule.skips(file)
        generation = skipRule.generation
    }
}

/// A live Python frame seen through the debugger core's eyes. It borrows
/// the frame: valid while the frame runs or while someone (the interpreter,
/// or the session's pinned frames) holds it.
struct PythonFrame: DebugFrame {
    let pointer: FramePointer
    let code: CodeInfo
    let codeCache: CodeInfoCache

    static func == (lhs: PythonFrame, rhs: PythonFrame) -> Bool {
        lhs.pointer == rhs.pointer
    }

    var object: PyPointer {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: PyObject.self)
    }

    var back: PythonFrame? {
        // A new reference, but the frame stays alive without it: the caller's
        // interpreter frame owns its frame object while it runs.
        guard let back = PyFrame_GetBack(pointer) else { return nil }
        let frame = codeCache.frame(back)
        qdb_decref(UnsafeMutableRawPointer(back).assumingMemoryBound(to: PyObject.self))
        return frame
    }

    var line: Int { Int(PyFrame_GetLineNumber(pointer)) }
    var file: String { code.file }
    var functionName: String { code.functionName }
    var firstLine: Int { code.firstLine }
    var isGeneratorLike: Bool { code.isGeneratorLike }
    var isSkipped: Bool { code.isSkipped }

    var globals: PythonObject { PythonObject(owning: PyFrame_GetGlobals(pointer)) }

    /// The frame's locals as a mapping to evaluate in (for a module frame,
    /// its globals): a dict refreshed from the fast locals, or a
    /// write-through proxy where CPython has one.
    func locals() throws(PythonError) -> PythonObject {
        try .result(qdb_frame_locals(pointer))
    }

    /// The frame's locals as a dict of their values now.
    func localsSnapshot() throws(PythonError) -> PythonObject {
        let locals = try locals()
        return qdb_is_dict(locals.pointer) != 0 ? locals : try PythonObject.builtin("dict").call(locals)
    }

    /// Writes changes made to the `locals()` mapping back to the frame's
    /// fast locals, so that an assignment in `eval` sticks.
    func storeLocals() {
        qdb_frame_store_locals(pointer)
        PyErr_Clear()
    }

    /// Makes the debugger trace this frame: bdb's `frame.f_trace = ...`.
    func markTraced(marker: PyPointer) {
        qdb_frame_set_trace(pointer, marker)
        qdb_frame_set_trace_lines(pointer, 1)
    }

    var isTraced: Bool { qdb_frame_trace(pointer) != nil }

    func disableLineEvents() {
        qdb_frame_set_trace_lines(pointer, 0)
    }
}

/// Per-code-object facts, stored in the code object's co_extra slot so that
/// a trace event costs one pointer load rather than a dictionary lookup, and
/// the facts die with the code.
final class CodeInfoCache {
    private let extraIndex: Int
    private(set) var skipRule: SkipRule

    init(skipRule: SkipRule) {
        self.skipRule = skipRule
        extraIndex = qdb_code_request_extra_index { pointer in
            guard let pointer else { return }
            Unmanaged<CodeInfo>.fromOpaque(pointer).release()
        }
    }

    /// Changes what is skipped; cached facts are recomputed lazily.
    func update(_ rule: SkipRule) {
        skipRule = rule.nextGeneration(after: skipRule)
    }

    func frame(_ pointer: FramePointer) -> PythonFrame {
        PythonFrame(pointer: pointer, code: info(for: pointer), codeCache: self)
    }

    func info(for frame: FramePointer) -> CodeInfo {
        let code = PyFrame_GetCode(frame)!
        defer { qdb_decref(UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self)) }
        return info(forCode: code)
    }

    func info(forCode code: UnsafeMutablePointer<PyCodeObject>) -> CodeInfo {
        let object = UnsafeMutableRawPointer(code).assumingMemoryBound(to: PyObject.self)
        var extra: UnsafeMutableRawPointer?
        if extraIndex >= 0, qdb_code_get_extra(object, extraIndex, &extra) == 0, let extra {
            let cached = Unmanaged<CodeInfo>.fromOpaque(extra).takeUnretainedValue()
            cached.refresh(for: skipRule)
            return cached
        }
        PyErr_Clear()
        let info = CodeInfo(code: code, skipRule: skipRule)
        // The slot is empty here, so storing never has to free an old value.
        if extraIndex >= 0, qdb_code_set_extra(object, extraIndex, Unmanaged.passRetained(info).toOpaque()) != 0 {
            Unmanaged.passUnretained(info).release()
            PyErr_Clear()
        }
        return info
    }
}
