#if canImport(Glibc)
import Glibc
#endif
import QdbClientSession
import QdbConnection
import QdbConsole
import QdbProtocol

/// What `qdb-cli` needs to attach to a session.
public struct ClientOptions: Sendable {
    public var address: WebSocketAddress
    public var uuid: String
    public var authMessage: String
    public var transcriptDirectory = TranscriptFile.defaultDirectory
    /// `~/.qdb_history` by default; nil keeps no history.
    public var historyPath: String? = getenv("HOME").map { String(cString: $0) + "/.qdb_history" }
    /// Sent right after `start`: settings such as `stop_all_threads`.
    public var settings: [Command] = []
    /// Whether the user may start the program again (`qdb-cli run`).
    public var canRestart = false

    public init(address: WebSocketAddress, uuid: String, authMessage: String) {
        self.address = address
        self.uuid = uuid
        self.authMessage = authMessage
    }
}

/// `qdb-cli` at work: connects, attaches with `start`, then runs one loop
/// that owns the session state, fed by the terminal thread (typed lines)
/// and the connection (the server's messages).
public enum TerminalClient {
    public static func run(_ options: ClientOptions) async -> ClientExit {
        let connection: ServerConnection
        do {
            connection = try await ServerConnection.connect(to: options.address)
        } catch {
            return .failed(error)
        }
        var machine = ClientStateMachine(
            address: options.address.description, authMessage: options.authMessage, canRestart: options.canRestart)
        for case .send(let message) in machine.handle(.connected(settings: options.settings)) {
            connection.send(message)
        }

        let transcript = TranscriptFile(uuid: options.uuid, directory: options.transcriptDirectory)
        let transcriptNote = transcript.map { " (transcript: \($0.path))" } ?? ""
        StandardOutput.write(lines: ["qdb connected to \(options.address)\(transcriptNote)"])
        transcript?.append(["Tracing \(options.address)"])

        let (inputs, continuation) = AsyncStream.makeStream(of: ClientStateMachine.Input.self)
        let terminal = TerminalThread { input in
            switch input {
            case .line(let line): continuation.yield(.line(line))
            case .endOfInput: continuation.yield(.endOfInput)
            case .interrupt: continuation.yield(.interrupt)
            }
        }
        let historyPath = options.historyPath
        let isInteractive = isatty(STDIN_FILENO) == 1
        let isDumbTerminal = Self.isDumbTerminal
        let completion = TabCompletion { request in
            connection.send(request.message)
        }
        terminal.start {
            isInteractive && !isDumbTerminal
                ? LineEditor(historyPath: historyPath, completion: completion) as any LineReader
                : PlainLineReader(showsPrompt: isInteractive)
        }
        let forwarding = Task {
            for await event in connection.events {
                continuation.yield(.connection(event))
            }
        }

        let usesColor = Self.usesColor
        var exit = ClientExit.sessionOver
        var linesHandled = 0
        session: for await input in inputs {
            switch input {
            case .line(let line):
                transcript?.append([machine.console.prompt + line])
                linesHandled += 1
            case .connection(.message(let message)):
                completion.hear(Event(message))
            default:
                break
            }
            defer { terminal.setPrompt(machine.console.prompt, linesHandled: linesHandled) }
            let outputs = machine.handle(input)
            if input == .endOfInput && machine.state == .attached {
                terminal.resumeInput()
            }
            for output in outputs {
                switch output {
                case .show(let lines):
                    terminal.show(lines.map { $0.text(colored: usesColor) })
                    transcript?.append(lines.map(\.plainText))
                case .commandDone:
                    terminal.showPrompt()
                case .send(let message):
                    connection.send(message)
                case .startQuitDeadline:
                    Task {
                        try? await Task.sleep(for: ClientStateMachine.quitDeadline)
                        continuation.yield(.quitDeadlinePassed)
                    }
                case .finish(let ending):
                    exit = ending
                    break session
                }
            }
        }
        await terminal.stop()
        connection.close()
        forwarding.cancel()
        return exit
    }

    /// Colours only on a terminal that shows them, and never when
    /// `NO_COLOR` is set to anything (https://no-color.org).
    static var usesColor: Bool {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
        return isatty(STDOUT_FILENO) == 1 && !isDumbTerminal && noColor.isEmpty
    }

    /// `TERM=dumb`, as Emacs's comint (and so gud) sets it: a terminal that
    /// shows escape sequences as text, where libedit's redrawing and
    /// colours would garble the `> file(line)` lines gud follows.
    static var isDumbTerminal: Bool {
        getenv("TERM").map { String(cString: $0) } == "dumb"
    }
}
