import CPython

/// The interpreter's threads, as the C API and `threading` know them.
/// Called with the GIL held.
enum PythonThreads {
    /// Every thread state of this interpreter, ours included (the server
    /// reader's, which never runs Python frames).
    static var all: [ThreadPointer] {
        var threads: [ThreadPointer] = []
        var current = PyInterpreterState_ThreadHead(PyInterpreterState_Get())
        while let thread = current {
            threads.append(thread)
            current = PyThreadState_Next(thread)
        }
        return threads
    }

    /// The threads running Python code now.
    static var running: [ThreadPointer] {
        all.filter(hasFrame)
    }

    static func hasFrame(_ thread: ThreadPointer) -> Bool {
        guard let frame = PyThreadState_GetFrame(thread) else { return false }
        qdb_decref(UnsafeMutableRawPointer(frame).assumingMemoryBound(to: PyObject.self))
        return true
    }

    /// `threading`'s names, by ident; threads started with `_thread` have
    /// none unless they asked `threading.current_thread()`.
    static func names() -> [UInt: String] {
        defer { PyErr_Clear() }
        guard let threads = try? PythonObject.importModule("threading").callMethod("enumerate") else { return [:] }
        var names: [UInt: String] = [:]
        for thread in threads.sequenceItems {
            if let ident = try? thread.attribute("ident").intValue, let name = try? thread.attribute("name").stringValue {
                names[UInt(truncatingIfNeeded: ident)] = name
            }
        }
        return names
    }

    /// `threading.main_thread().ident`.
    static func mainIdent() -> UInt? {
        defer { PyErr_Clear() }
        guard let ident = try? PythonObject.importModule("threading").callMethod("main_thread")
            .attribute("ident").intValue
        else { return nil }
        return UInt(truncatingIfNeeded: ident)
    }
}
