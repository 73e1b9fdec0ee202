import CPython
import Glibc
import QdbConsole
import QdbProtocol

/// TerminalCommandManager: debugging in the program's own terminal with no
/// server, like pdb. Events are shown through QdbConsole (the same text
/// `qdb-cli` shows); commands are read with Python's `input()`, so the
/// readline module gives line editing and history when it is there.
final class TerminalChannel: CommandChannel {
    private var console = ConsoleSession(address: "the program")
    /// The rest of a line that stands for several messages.
    private var queued: [Message] = []
    private let colored = isatty(1) != 0 && getenv("NO_COLOR") == nil

    var forwardsProgramOutput: Bool { false }

    /// Stops shown as pdb shows them (`--Return--`, `--Call--`), asked for
    /// before the first command typed.
    init() {
        queued = request([.stopReasons(true), .callStops(true)])
    }

    /// Called with the GIL held, like every send.
    func send(_ message: Message) {
        show(console.render(Event(message)))
    }

    /// Called with the GIL released: takes it to prompt and read.
    func nextInput() -> ChannelInput {
        PythonGIL.withLock { readCommand() } ?? .lost
    }

    private func readCommand() -> ChannelInput {
        if !queued.isEmpty {
            return .command(queued.removeFirst())
        }
        while true {
            show(console.flush())
            let action: ConsoleAction
            do throws(PythonError) {
                let line = try PythonObject.builtin("input").call(PythonObject(console.prompt))
                action = console.interpret(line.stringValue ?? "")
            } catch where error.matches(qdb_exc_keyboard_interrupt()) {
                show([""])
                continue
            } catch {
                // EOFError (Ctrl-D, or stdin closed): quit, the program runs on.
                show([""])
                action = console.interpretEndOfInput()
            }
            switch action {
            case .send(let command):
                queued = request([command])
            case .sendAll(let commands):
                queued = request(commands)
            case .restart:
                show([.error("run", "only qdb-cli run can start the program again")])
            case .quit(let mode):
                queued = request([mode.command])
            case .show(let lines):
                show(lines)
            case .error(let line):
                show([line])
            case .none:
                continue
            }
            if !queued.isEmpty {
                return .command(queued.removeFirst())
            }
        }
    }

    /// The messages that carry `commands`, through the client session, so
    /// that it knows which replies are ours.
    private func request(_ commands: [Command]) -> [Message] {
        commands.flatMap { console.handle(.request($0)) }.compactMap { output in
            guard case .send(let message) = output else { return nil }
            return message
        }
    }

    private func show(_ lines: [ConsoleLine]) {
        guard !lines.isEmpty, let stdout = try? PythonObject.importModule("sys").attribute("stdout") else { return }
        let text = lines.map { $0.text(colored: colored) + "\n" }.joined()
        _ = try? stdout.callMethod("write", PythonObject(text))
        _ = try? stdout.callMethod("flush")
        PyErr_Clear()
    }

    /// The terminal is read only at a stop.
    func handleWaiting(_ handle: (Message) -> Bool) {}

    func close(waitingForReader: Bool) {}
    func abandonAfterFork() {}
}
