import CPython
import QdbProtocol

/// Every thread seen running Python, by thread state, and the numbers
/// clients know threads by: 1 for the main thread, then 2, 3, ... as the
/// session first meets them. A thread state's memory is reused by later
/// threads; its serial tells them apart.
struct ThreadRegistry {
    let mainThreadID: UInt
    private var records: [ThreadPointer: DebuggedThread] = [:]
    /// The last thread looked up, while it lives: trace events come in runs
    /// from one thread.
    private var recent: (state: ThreadPointer, thread: DebuggedThread)?
    private var numbers: [UInt64: Int] = [:]
    private var nextNumber = 2

    init() {
        mainThreadID = PythonThreads.mainIdent() ?? UInt(PyThread_get_thread_ident())
    }

    subscript(state: ThreadPointer) -> DebuggedThread? {
        records[state]
    }

    var all: Dictionary<ThreadPointer, DebuggedThread>.Values {
        records.values
    }

    /// How the threads that step are traced: line by line (stepping into
    /// anything, or on their way to park), or only in the frames their
    /// step concerns.
    var stepping: (threads: [ThreadPointer], frames: [SteppedFrames]) {
        var threads: [ThreadPointer] = []
        var frames: [SteppedFrames] = []
        for (state, thread) in records where thread.isParking || !thread.debugger.isContinuing {
            if !thread.isParking, let stepped = thread.debugger.steppedFrames {
                frames.append(SteppedFrames(thread: state, frames: stepped.map(\.pointer)))
            } else {
                threads.append(state)
            }
        }
        return (threads, frames)
    }

    /// The thread's record, made when first seen: a thread found running
    /// is debugged from its outermost frame, to its next breakpoint.
    @discardableResult
    mutating func record(for state: ThreadPointer, at frame: PythonFrame?) -> DebuggedThread {
        let serial = qdb_thread_serial(state)
        if let recent, recent.state == state, recent.thread.serial == serial {
            return recent.thread
        }
        if let known = records[state], known.serial == serial {
            recent = (state, known)
            return known
        }
        let thread = DebuggedThread(number: number(of: state), serial: serial)
        thread.debugger.start(at: frame, stopping: .none)
        records[state] = thread
        recent = (state, thread)
        return thread
    }

    mutating func number(of state: ThreadPointer) -> Int {
        let serial = qdb_thread_serial(state)
        if let number = numbers[serial] {
            return number
        }
        var number = 1
        if !isMain(state) {
            number = nextNumber
            nextNumber += 1
        }
        numbers[serial] = number
        return number
    }

    func isMain(_ state: ThreadPointer) -> Bool {
        UInt(qdb_thread_ident(state)) == mainThreadID
    }

    /// The running thread state numbered `number`.
    mutating func state(numbered number: Int) -> ThreadPointer? {
        PythonThreads.running.first { self.number(of: $0) == number }
    }

    /// A thread as clients know it.
    mutating func info(of state: ThreadPointer, names: [UInt: String]) -> ThreadInfo {
        let number = number(of: state)
        return ThreadInfo(id: number, name: names[UInt(qdb_thread_ident(state))] ?? "_thread-\(number)")
    }

    /// Forgets threads that ended.
    mutating func prune() {
        let alive = Set(PythonThreads.all)
        records = records.filter { alive.contains($0.key) && $0.value.serial == qdb_thread_serial($0.key) }
        let serials = Set(alive.map(qdb_thread_serial))
        numbers = numbers.filter { serials.contains($0.key) }
        recent = nil
    }

    /// Forgets every thread's debugger (the numbers stay).
    mutating func removeAll() {
        records = [:]
        recent = nil
    }
}
