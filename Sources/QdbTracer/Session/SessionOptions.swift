import CPython

/// A session's configuration, read from the dict the `qdb` package builds
/// out of `QdbConfig` (see python/qdb/config.py for the meaning of each).
struct SessionOptions {
    enum Transport: String {
        /// RemoteCommandManager: commands come from the server.
        case remote
        /// ServerLocalCommandManager: as remote, and the server pauses the
        /// program with a signal.
        case local
        /// NopCommandManager: nobody drives the debugger.
        case nop
        /// TerminalCommandManager: the local terminal, like pdb.
        case terminal
    }

    var transport: Transport = .remote
    var host = "localhost"
    var port = 8001
    var uuid = "qdb"
    var authMessage = ""
    var retryAttempts = 10
    var pauseSignal: Int32 = qdb_signal_usr2()
    var defaultFile: String?
    var defaultNamespace: PythonObject?
    var evalFunction: PythonObject?
    var exceptionSerializer: PythonObject?
    var reprFunction: PythonObject?
    var skipRule = SkipRule()
    var redirectOutput = true
    var executionTimeout: Double?
    /// When one thread stops, every other Python thread stops at its next
    /// line, and they resume together.
    var stopAllThreads = false
    /// Commands in client syntax run at the first stop, before any client
    /// (`python -m qdb -c CMD`).
    var startupCommands: [String] = []
}

extension SessionOptions {
    /// Reads the options dict; unknown keys are ignored (the shim checks
    /// names), wrong types raise TypeError naming the option.
    init(_ dictionary: PythonObject) throws(PythonError) {
        func value(_ key: String) -> PythonObject? {
            guard let item = dictionary.item(key), !item.isNone else { return nil }
            return item
        }
        func string(_ key: String) throws(PythonError) -> String? {
            guard let item = value(key) else { return nil }
            guard let text = item.stringValue else { throw Self.typeError(key, "a string") }
            return text
        }
        func integer(_ key: String) throws(PythonError) -> Int? {
            guard let item = value(key) else { return nil }
            guard let number = item.intValue else { throw Self.typeError(key, "an integer") }
            return number
        }
        func flag(_ key: String) throws(PythonError) -> Bool? {
            try value(key)?.isTrue
        }

        if let name = try string("transport") {
            guard let transport = Transport(rawValue: name) else { throw Self.typeError("transport", "a known transport") }
            self.transport = transport
        }
        host = try string("host") ?? host
        port = try integer("port") ?? port
        uuid = try string("uuid") ?? uuid
        authMessage = try string("auth_msg") ?? authMessage
        retryAttempts = try integer("retry_attempts") ?? retryAttempts
        pauseSignal = try integer("pause_signal").map(Int32.init(truncatingIfNeeded:)) ?? pauseSignal
        defaultFile = try string("default_file").map { FilePaths.canonical($0) }
        defaultNamespace = value("default_namespace")
        evalFunction = value("eval_fn")
        exceptionSerializer = value("exception_serializer")
        reprFunction = value("repr_fn")
        redirectOutput = try flag("redirect_output") ?? redirectOutput
        stopAllThreads = try flag("stop_all_threads") ?? stopAllThreads
        if let timeout = value("execution_timeout") {
            guard let seconds = timeout.doubleValue else {
                throw Self.typeError("execution_timeout", "a number of seconds")
            }
            executionTimeout = seconds > 0 ? seconds : nil
        }
        skipRule.userFunction = value("skip_fn")
        skipRule.directories = try value("skip_directories").map { list throws(PythonError) in
            try Self.strings(list, key: "skip_directories")
        } ?? []
        skipRule.shownFiles = try value("shown_files").map { list throws(PythonError) in
            try Self.strings(list, key: "shown_files").map { FilePaths.canonical($0) }
        } ?? []
        skipRule.skipsFrozenModules = try flag("skip_frozen_modules") ?? false
        startupCommands = try value("commands").map { list throws(PythonError) in
            try Self.strings(list, key: "commands")
        } ?? []
    }

    private static func strings(_ list: PythonObject, key: String) throws(PythonError) -> [String] {
        let texts = list.sequenceItems.compactMap(\.stringValue)
        guard qdb_is_unicode(list.pointer) == 0, texts.count == PyObject_Size(list.pointer) else {
            PyErr_Clear()
            throw typeError(key, "a list of strings")
        }
        return texts
    }

    private static func typeError(_ key: String, _ expected: String) -> PythonError {
        PythonError(raising: qdb_exc_type_error(), "qdb option '\(key)' must be \(expected)")
    }
}
