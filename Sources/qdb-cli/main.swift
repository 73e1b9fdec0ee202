import ArgumentParser
import QdbClientSession
import QdbConnection
import QdbLauncher
import QdbProtocol
import QdbTerminal

#if canImport(Glibc)
import Glibc
#endif

/// `qdb-cli`: attach to a debugging session on a qdb server, or
/// `qdb-cli run script.py` to debug a script in one command.
@main
struct QdbCLI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qdb-cli",
        abstract: "The qdb terminal client.",
        version: "0.1.0",
        subcommands: [Attach.self, Run.self],
        defaultSubcommand: Attach.self)
}

/// The original client: attach to a session on a running server.
struct Attach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Attach to a debugging session on a qdb server (the default).")

    @Option(
        name: [.customShort("w"), .customLong("ws-address")],
        help: ArgumentHelp("The websocket address format string, containing {uuid}.", valueName: "ADDR-FMT"))
    var wsAddress = Self.defaultAddress
    static let defaultAddress = "ws://localhost:8002/{uuid}"

    @Option(
        name: [.customShort("u"), .long],
        help: ArgumentHelp("The session uuid that you wish to connect to.", valueName: "UUID"))
    var uuid = Self.defaultUUID
    static let defaultUUID = "qdb"

    @Option(
        name: [.customShort("a"), .customLong("auth-msg")],
        help: ArgumentHelp("The authentication message to send with the start event.", valueName: "AUTH-MSG"))
    var authMessage = ""

    @Option(
        help: ArgumentHelp(
            "Attach to this running Python program instead (CPython 3.11+, with the qdb package); quit detaches.",
            valueName: "PID"))
    var pid: Int32?

    @OptionGroup var settings: Settings

    func validate() throws {
        if pid != nil && (wsAddress != Self.defaultAddress || uuid != Self.defaultUUID || !authMessage.isEmpty) {
            throw ValidationError("--pid makes its own session: it takes no -w, -u or -a")
        }
    }

    func run() async throws {
        if let pid {
            try finish(await ProcessSession.run(pid: pid) { session in
                var options = ClientOptions(session)
                options.settings = settings.commands
                return await TerminalClient.run(options)
            })
        }
        do {
            let address = try WebSocketAddress(format: wsAddress, uuid: uuid)
            var options = ClientOptions(address: address, uuid: uuid, authMessage: authMessage)
            options.settings = settings.commands
            try finish(await TerminalClient.run(options))
        } catch let error as ClientError {
            try finish(.failed(error))
        }
    }
}

/// Debug a script in one command, like `python -m pdb script.py`.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Debug a Python script (or module): start a private server and qdb-python on it, and attach.")

    @Option(
        name: [.customShort("u"), .long],
        help: ArgumentHelp("The session uuid, which names the transcript /tmp/qdb/.UUID.", valueName: "UUID"))
    var uuid = "qdb"

    @Option(
        help: ArgumentHelp(
            "Run the script under this python (its path or name on PATH), which must have the qdb package (pip install .), instead of qdb-python.",
            valueName: "PYTHON"))
    var python: String?

    @OptionGroup var settings: Settings

    @Flag(
        name: .customShort("m"),
        help: "The program is a library module, run as `python -m MODULE [ARGS]` runs it (qdb-cli run -m pytest -x).")
    var isModule = false

    @Argument(help: "The script to debug (with -m, the module).")
    var script: String

    @Argument(parsing: .captureForPassthrough, help: "The program's arguments.")
    var arguments: [String] = []

    func run() async throws {
        let target: ProgramTarget = isModule ? .module(script) : .script(script)
        try finish(await ScriptSession.run(
            target, arguments: arguments, uuid: uuid,
            program: ScriptSession.ProgramSettings(python: python),
            settings: settings.commands
        ) { attachment in
            if attachment.isRestart {
                StandardOutput.write(lines: [
                    "Restarting \(attachment.target.name) with arguments:", "\t" + attachment.arguments.joined(separator: " "),
                ])
            }
            var options = ClientOptions(attachment.session)
            options.settings = attachment.settings
            options.canRestart = true
            return await TerminalClient.run(options)
        })
    }
}

extension ClientOptions {
    /// For a session on the launcher's private server.
    init(_ session: PrivateSession) {
        self.init(address: session.address, uuid: session.uuid, authMessage: session.authMessage)
    }
}

/// Session settings both subcommands send after attaching.
struct Settings: ParsableArguments {
    @Flag(help: "When a thread stops, stop every other thread too, and resume them together.")
    var stopAllThreads = false

    var commands: [Command] {
        stopAllThreads ? [.stopAllThreads(true)] : []
    }
}

/// Prints the client's one-line error, if any, and exits with its status.
func finish(_ exit: ClientExit) throws -> Never {
    if let message = exit.message {
        writeAll("qdb-cli: \(message)\n", to: STDERR_FILENO)
    }
    throw ExitCode(exit.status)
}
