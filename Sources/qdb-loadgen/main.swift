import ArgumentParser

/// `qdb-loadgen`: loads a `qdb-server` with sessions and measures it. The
/// server is started from the executable beside this one on ephemeral
/// loopback ports, unless a running one is named.
struct LoadgenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qdb-loadgen",
        abstract: "Measure a qdb-server: the memory each session takes, and the messages relayed per second.",
        subcommands: [CapacityCommand.self, RelayCommand.self, ReferenceRelayCommand.self])
}

/// Which server to measure, and how to report.
struct ServerOptions: ParsableArguments {
    @Option(help: "The qdb-server executable to start (default: the one beside qdb-loadgen).")
    var server: String?

    @Option(help: "Measure a running server on this tracer port instead (with --client-port).")
    var tracerPort: Int?

    @Option(help: "The running server's client port.")
    var clientPort: Int?

    @Option(help: "The running server's pid, for its memory and CPU figures.")
    var serverPID: Int32?

    @Option(help: "Event loop threads of the load generator (more compete with the server for the CPUs).")
    var threads = 1

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    func validate() throws {
        guard (tracerPort == nil) == (clientPort == nil) else {
            throw ValidationError("--tracer-port and --client-port go together")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// Starts the server, or names the running one.
    func launchServer() throws -> RelayProcess {
        if let tracerPort, let clientPort {
            return RelayProcess(running: RelayAddress(tracerPort: tracerPort, clientPort: clientPort), pid: serverPID)
        }
        return try RelayProcess(executable: server ?? executableBesideThisOne("qdb-server"))
    }
}

/// The baseline relay, started by `relay` as a process of its own.
struct ReferenceRelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference-relay",
        abstract: "Run the relay benchmark's baseline: qdb's wire protocol, forwarded without parsing.")

    @Option var tracerPort = 0
    @Option var clientPort = 0
    @Option(help: "Where to write the bound ports.") var log: String

    func run() async throws {
        raiseOpenFileLimit()
        try await ReferenceRelay.run(tracerPort: tracerPort, clientPort: clientPort, logPath: log)
    }
}

/// Top-level code picks the synchronous `main()`; an async function gets
/// `AsyncParsableCommand`'s.
func runAsync<Command: AsyncParsableCommand>(_ command: Command.Type) async {
    await command.main()
}

await runAsync(LoadgenCommand.self)
