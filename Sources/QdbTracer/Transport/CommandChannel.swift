import QdbProtocol

/// What a stopped program gets when it asks for the next command.
enum ChannelInput {
    case command(Message)
    /// Nothing to do: carry on as the debugger stands (NopCommandManager).
    case resume
    /// The channel is gone (server away, terminal closed).
    case lost
}

/// Where a session's commands come from and where its events go: the
/// server (RemoteCommandManager, ServerLocalCommandManager), nowhere
/// (NopCommandManager) or the local terminal (TerminalCommandManager).
protocol CommandChannel: AnyObject {
    /// Whether the program's output goes to the clients as `print` events
    /// (a terminal shows the program's output itself).
    var forwardsProgramOutput: Bool { get }
    /// Sends an event; a channel that is gone drops it.
    func send(_ message: Message)
    /// The next command for a stopped program. Blocks: callers release the
    /// GIL around it.
    func nextInput() -> ChannelInput
    /// The stop is over: commands that arrived during it and still wait
    /// go to `handle`, which takes those a running program can handle.
    func handleWaiting(_ handle: (Message) -> Bool)
    /// Ends the channel. `waitingForReader` lets a background reader finish
    /// first (used at interpreter exit; never from the reader itself).
    func close(waitingForReader: Bool)
    /// In a forked child: let go of the channel without touching what the
    /// parent still uses.
    func abandonAfterFork()
}

/// NopCommandManager: the debugger runs, nobody drives it.
final class NopChannel: CommandChannel {
    var forwardsProgramOutput: Bool { false }
    func send(_ message: Message) {}
    func nextInput() -> ChannelInput { .resume }
    func handleWaiting(_ handle: (Message) -> Bool) {}
    func close(waitingForReader: Bool) {}
    func abandonAfterFork() {}
}

/// The server link: a reader thread hands each message to the session
/// (which acts at once on the few commands that make sense while the
/// program runs), and the rest wait in a queue for the next stop.
final class RemoteChannel: CommandChannel {
    private let connection: ServerConnection
    let queue = CommandQueue()

    var forwardsProgramOutput: Bool { true }

    init(connection: ServerConnection) {
        self.connection = connection
    }

    /// Starts reading. On the reader thread, `handled` gets every message
    /// first; those it does not handle wait in the queue. `lost` is told
    /// when the connection ends (after which `nextInput` answers `.lost`).
    func startReading(
        maximumFrameBytes: Int,
        handled: @escaping @Sendable (Message) -> Bool,
        lost: @escaping @Sendable (String) -> Void
    ) -> Bool {
        let queue = queue
        return connection.startReading(
            maximumFrameBytes: maximumFrameBytes,
            onMessage: { message in
                if !handled(message) {
                    queue.push(.message(message))
                }
            },
            onClose: { reason in
                queue.push(.closed)
                lost(reason)
            })
    }

    func send(_ message: Message) {
        connection.send(message)
    }

    func nextInput() -> ChannelInput {
        switch queue.pop() {
        case .message(let message): .command(message)
        case .closed: .lost
        }
    }

    func handleWaiting(_ handle: (Message) -> Bool) {
        queue.removeHandled(by: handle)
    }

    func close(waitingForReader: Bool) {
        connection.close(waitingForReader: waitingForReader)
    }

    func abandonAfterFork() {
        connection.abandonAfterFork()
    }
}
