import QdbConsole
import QdbProtocol

/// Console text the tracer runs itself, as if a client had typed it: the
/// `-c` lines of `python -m qdb`, and pdb's breakpoint `commands`.
struct ConsoleScript {
    enum Reading {
        case commands([Command])
        case error(ConsoleLine)
    }

    private var console = ConsoleSession()

    /// A line as the protocol commands it stands for, read with `stack` on
    /// the console's screen (for `b LINE`, say). What only shows text on a
    /// screen (`help`, `where`) stands for nothing.
    mutating func read(_ line: String, at stack: Stack?) -> Reading {
        if let stack {
            _ = console.render(.stack(stack))
        }
        switch console.interpret(line) {
        case .send(let command): return .commands([command])
        case .sendAll(let commands): return .commands(commands)
        case .quit(let mode): return .commands([mode.command])
        case .error(let error): return .error(error)
        case .show, .none, .restart: return .commands([])
        }
    }
}

/// The `-c` lines, run at the first stops before the channel is asked.
struct StartupCommands {
    private var lines: [String]
    /// What the last line stands for, not sent yet (`disable 1 2`).
    private var pending: [Command] = []
    private var script = ConsoleScript()

    init(_ lines: [String] = []) {
        self.lines = lines
    }

    /// The next command as a message. Lines the console cannot read are
    /// reported on stderr and skipped. `stack` is only worked out when a
    /// line is read.
    mutating func next(at stack: @autoclosure () -> Stack?) -> Message? {
        while pending.isEmpty, !lines.isEmpty {
            let line = lines.removeFirst()
            switch script.read(line, at: stack()) {
            case .commands(let commands):
                pending = commands
            case .error(let error):
                writeToStandardError("qdb: -c \(line): \(error.plainText)\n")
            }
        }
        return pending.isEmpty ? nil : pending.removeFirst().message
    }
}
