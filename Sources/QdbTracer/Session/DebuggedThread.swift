import QdbProtocol

/// A thread the session has seen run Python: its own debugger (where it
/// steps, its bottom frame) and the number clients know it by.
struct DebuggedThread {
    let number: Int
    /// The thread state's serial: a thread state's memory, and a pthread
    /// id, may be reused by a later thread, which gets a record of its own.
    let serial: UInt64
    var debugger = Debugger<PythonFrame>()
    /// stop_all_threads asked it to stop at its next line.
    var isParking = false
}
