import CPython
import Glibc
import QdbConsole
import QdbProtocol

/// TerminalCommandManager: debugging in the program's own terminal with no
/// server, like pdb. Events are shown through QdbConsole (the same text
/// `qdb-cli` shows); commands are read with Python's `input()`, so the
/// readline module gives line editing and history when it is there.
final class TerminalChannel: CommandChannel {
    private var console = ConsoleSession()
    /// The rest of a line that stands for several commands.
    private var queued: [Command] = []
    private let colored = isatty(1) != 0 && getenv("NO_COLOR") == nil

    var forwardsProgramOutput: Bool { false }

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
            return .command(queued.removeFirst().message)
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
                return .command(command.message)
            case .sendAll(let commands):
                guard let first = commands.first else { continue }
                queued = Array(commands.dropFirst())
                return .command(first.message)
            case .restart:
                show([.error("run", "only qdb-cli run can start the program again")])
            case .quit(let mode):
                return .command(mode.command.message)
            case .show(let lines):
                show(lines)
            case .error(let line):
                show([line])
            case .none:
                continue
            }
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
