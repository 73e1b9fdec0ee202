/// A thread the session has seen run Python: its own debugger (where it
/// steps, its bottom frame) and the number clients know it by. A class, so
/// that a trace event looks its thread up without copying the debugger.
final class DebuggedThread {
    let number: Int
    /// The thread state's serial: a thread state's memory, and a pthread
    /// id, may be reused by a later thread, which gets a record of its own.
    let serial: UInt64
    var debugger = Debugger<PythonFrame>()
    /// stop_all_threads asked it to stop at its next line.
    var isParking = false

    init(number: Int, serial: UInt64) {
        self.number = number
        self.serial = serial
    }
}
