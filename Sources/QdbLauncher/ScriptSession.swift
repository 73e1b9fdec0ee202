#if canImport(Glibc)
import Glibc
#endif
import QdbClientSession
import QdbConnection
import QdbProtocol
import QdbServer

/// `qdb-cli run script.py [args]` (or `run -m module [args]`), the
/// one-command way to debug, like `python -m pdb script.py`: a private
/// server inside this process on free loopback ports, `qdb-python -m qdb`
/// (or `PYTHON -m qdb`, for a python that has the qdb package) running the
/// program against it, and a client attached; the program is stopped when
/// the client is done. An uncaught exception stops where it was raised
/// (post mortem), as in pdb.
///
/// The client is whatever `attach` runs (qdb-cli's terminal, an editor's
/// adapter): this is the only client-side code that links the server.
public enum ScriptSession {
    /// Where and how the client attaches to one run of the program.
    public struct Attachment: Sendable {
        public let session: PrivateSession
        /// To send right after `start`: the caller's settings, and for a
        /// restart the breakpoints to set again.
        public let settings: [Command]
        /// The program's command line, and whether this run restarts it.
        public let target: ProgramTarget
        public let arguments: [String]
        public let isRestart: Bool
        /// Waits at most the duration given for the program to exit, and
        /// returns its exit code (nil if it still runs).
        public let programExit: @Sendable (Duration) async -> Int32?
    }

    /// How the program runs, beyond its command line.
    public struct ProgramSettings: Sendable {
        /// A python with the qdb package (its path or name on PATH),
        /// instead of qdb-python.
        public var python: String?
        /// Added to this process's environment.
        public var environment: [String: String] = [:]
        /// The working directory, also the one a relative script (or a
        /// module, from the directory's packages) is found from; this
        /// process's when nil.
        public var directory: String?

        public init(python: String? = nil, environment: [String: String] = [:], directory: String? = nil) {
            self.python = python
            self.environment = environment
            self.directory = directory
        }
    }

    /// How long the client waits for the program's tracer to connect: a
    /// program that cannot start must not leave the user waiting forever.
    static let attachTimeout: Duration = .seconds(30)

    public static func run(
        _ target: ProgramTarget, arguments: [String], uuid: String, program: ProgramSettings = ProgramSettings(),
        settings: [Command] = [], attach: (Attachment) async -> ClientExit
    ) async -> ClientExit {
        var target = target
        if case .script(let script) = target {
            let path = program.directory.map { script.hasPrefix("/") ? script : $0 + "/" + script } ?? script
            guard access(path, R_OK) == 0 else {
                return .failed(.cannotStartProgram("cannot open \(path): \(String(cString: strerror(errno)))"))
            }
            target = .script(path)
        }
        let token: String
        let interpreter: String
        let server: QdbServer
        do throws(ClientError) {
            token = try AuthToken.random()
            interpreter = try ExecutableLocator.path(of: program.python ?? "qdb-python")
            server = try await PrivateServer.start(token: token, attachTimeout: attachTimeout)
        } catch {
            return .failed(error)
        }
        var arguments = arguments
        var sessionSettings = settings
        var runs = 1
        while true {
            // Each run is a session of its own: the old one may not have
            // seen its tracer go yet.
            let exit = await runOnce(
                target, arguments: arguments, uuid: runs == 1 ? uuid : "\(uuid).\(runs)",
                interpreter: interpreter, program: program, server: server, token: token, settings: sessionSettings,
                isRestart: runs > 1, attach: attach)
            runs += 1
            guard case .restart(let newArguments, let breakpoints) = exit else {
                await server.shutdown()
                return exit
            }
            arguments = newArguments ?? arguments
            sessionSettings = Self.restoring(breakpoints) + settings
        }
    }

    /// One run of the program, under a session of its own on the same
    /// server.
    private static func runOnce(
        _ target: ProgramTarget, arguments: [String], uuid: String, interpreter: String,
        program programSettings: ProgramSettings, server: QdbServer, token: String, settings: [Command], isRestart: Bool, attach: (Attachment) async -> ClientExit
    ) async -> ClientExit {
        let program: ChildProgram
        do throws(ClientError) {
            program = try ChildProgram(
                executable: interpreter,
                arguments: ["-m", "qdb", "--post-mortem", "--host", "127.0.0.1", "--port", String(server.tracerPort),
                            "--uuid", uuid, "--auth", token] + target.runnerArguments + arguments,
                environment: programSettings.environment, directory: programSettings.directory)
        } catch {
            return .failed(error)
        }
        // A program that ends on its own leaves the session to its tracer's
        // goodbye; one that died before a client could attach (a syntax
        // error, say) would leave the client waiting for the attach
        // timeout, so the client is told at once.
        let watcher = Task {
            await program.waitForExit()
            try? await Task.sleep(for: .seconds(1))
            guard !Task.isCancelled else { return false }
            await server.shutdown()
            return true
        }
        let exit = await attach(Attachment(
            session: PrivateSession(server: server, uuid: uuid, token: token), settings: settings, target: target,
            arguments: arguments, isRestart: isRestart, programExit: { await program.exitCode(within: $0) }))
        watcher.cancel()
        let programDiedFirst = await watcher.value
        await program.stop()
        if case .restart = exit {
            return exit
        }
        guard programDiedFirst else { return exit }
        let errors = program.errorText()
        return .failed(.cannotStartProgram(
            "the program ended before its session did" + (errors.isEmpty ? "" : ":\n" + errors)))
    }

    /// pdb keeps breakpoints across a restart: each is set again, in
    /// order, so that a new tracer gives them the same numbers when none
    /// was deleted, with its state (disabled, ignore count, commands).
    static func restoring(_ breakpoints: [NumberedBreakpoint]) -> [Command] {
        breakpoints.enumerated().flatMap { index, breakpoint -> [Command] in
            let number = JSONValue(index + 1)
            var commands: [Command] = [.addBreak(breakpoint.location.json)]
            if !breakpoint.isEnabled {
                commands.append(.updateBreak(["number": number, "enabled": false]))
            }
            if breakpoint.ignoreCount > 0 {
                commands.append(.updateBreak(["number": number, "ignore": JSONValue(breakpoint.ignoreCount)]))
            }
            if !breakpoint.commands.isEmpty {
                commands.append(.updateBreak(["number": number, "commands": .array(breakpoint.commands.map(JSONValue.string))]))
            }
            return commands
        }
    }
}
