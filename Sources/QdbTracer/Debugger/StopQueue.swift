/// Which stopped thread the clients see, and which wait their turn.
///
/// Clients see one stop at a time (the protocol has one stack). A thread
/// that stops while another's stop is shown waits here, and is shown when
/// the selected thread resumes; no stop is lost. `thread N` selects any
/// stopped thread. With `stop_all_threads`, the other threads are parked at
/// their next line while a stop is shown, and everything resumes together.
///
/// Pure bookkeeping: the session blocks and wakes the real threads as the
/// answers say.
struct StopQueue<Thread: Hashable> {
    private struct Entry {
        let thread: Thread
        /// The clients have seen this stop (it was selected once).
        var shown: Bool
        /// Held by `stop_all_threads`, with no stop of its own to show.
        let parked: Bool
    }

    /// The thread whose stop the clients see and command.
    private(set) var selected: Thread?
    /// Stopped threads, oldest first, the selected one included.
    private var entries: [Entry] = []

    enum Arrival: Equatable {
        /// The thread is selected: show its stop and take commands.
        case show
        /// Another stop is shown: wait until selected or released.
        case wait
        /// Nothing is stopped any more: a thread on its way to park runs on.
        case proceed
    }

    /// `thread` stops: at a breakpoint or step, or (`parked`) because
    /// another thread's stop is shown and every thread stops with it.
    mutating func arrive(_ thread: Thread, parked: Bool) -> Arrival {
        if parked && selected == nil {
            return .proceed
        }
        entries.append(Entry(thread: thread, shown: false, parked: parked))
        guard selected == nil else { return .wait }
        select(thread)
        return .show
    }

    /// The selected thread resumes. With `all` (stop_all_threads), every
    /// thread whose stop was shown, and every parked one, resumes with it.
    /// The oldest stop not yet shown is selected next.
    mutating func resume(_ thread: Thread, all: Bool) {
        entries.removeAll { $0.thread == thread || (all && ($0.shown || $0.parked)) }
        selected = nil
        if let next = entries.first(where: { !$0.shown && !$0.parked }) {
            select(next.thread)
        }
    }

    /// `thread N`: the clients now see and command a stopped thread. False
    /// if it is not stopped.
    @discardableResult
    mutating func select(_ thread: Thread) -> Bool {
        guard let index = entries.firstIndex(where: { $0.thread == thread }) else { return false }
        entries[index].shown = true
        selected = thread
        return true
    }

    /// Whether `thread` is stopped (selected or waiting).
    func holds(_ thread: Thread) -> Bool {
        entries.contains { $0.thread == thread }
    }

    func isParked(_ thread: Thread) -> Bool {
        entries.contains { $0.thread == thread && $0.parked }
    }

    /// Every thread lets go (the session ends).
    mutating func releaseAll() {
        entries = []
        selected = nil
    }
}
