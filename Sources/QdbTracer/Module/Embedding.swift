import CPython
import Glibc

/// qdb-python: an embedded CPython that behaves like `python3` (same
/// arguments, `sys.argv`, `sys.path[0]`, `__main__`, exit codes and
/// tracebacks), with `_qdb` built in and the `qdb` package importable.
public enum EmbeddedPython {
    /// Runs the interpreter with the process's arguments; returns the exit
    /// status.
    public static func run(arguments: [String], packageDirectory: String?) -> Int32 {
        // CPython keeps the name pointer: it must outlive this call.
        PyImport_AppendInittab(strdup("_qdb")) { QdbModule.create() }

        // A pointer, not a var: the setters take the config and one of its
        // fields at once.
        let config = UnsafeMutablePointer<PyConfig>.allocate(capacity: 1)
        PyConfig_InitPythonConfig(config)
        defer {
            PyConfig_Clear(config)
            config.deallocate()
        }

        var status = withCStrings(arguments) { argv in
            PyConfig_SetBytesArgv(config, Py_ssize_t(argv.count), argv.baseAddress)
        }
        if PyStatus_Exception(status) == 0, let packageDirectory {
            // Like PYTHONPATH: after the script's directory, before the rest.
            let existing = getenv("PYTHONPATH").map { String(cString: $0) }
            let path = [packageDirectory, existing].compactMap { $0 }.joined(separator: ":")
            status = PyConfig_SetBytesString(config, &config.pointee.pythonpath_env, path)
        }
        if PyStatus_Exception(status) == 0, let virtualEnvironment = getenv("VIRTUAL_ENV") {
            // The venv's python as sys.executable, so Python finds the
            // venv's pyvenv.cfg and site-packages.
            let executable = String(cString: virtualEnvironment) + "/bin/python"
            if access(executable, X_OK) == 0 {
                status = PyConfig_SetBytesString(config, &config.pointee.executable, executable)
            }
        }
        if PyStatus_Exception(status) == 0 {
            status = Py_InitializeFromConfig(config)
        }
        if PyStatus_Exception(status) != 0 {
            if PyStatus_IsExit(status) != 0 {
                return status.exitcode
            }
            Py_ExitStatusException(status)
        }
        return Py_RunMain()
    }

    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafeMutableBufferPointer<UnsafeMutablePointer<CChar>?>) -> T) -> T {
        var pointers = strings.map { strdup($0) }
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeMutableBufferPointer { body($0) }
    }
}
