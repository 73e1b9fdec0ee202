import ArgumentParser
import NIOCore
import NIOPosix
import QdbProtocol

/// Holds many sessions open at once and measures the server's resident
/// memory per session, against the idle server measured in the same run.
struct CapacityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Hold sessions (a tracer and a client each) open and measure the server's memory per session.",
        discussion: """
            Every tracer starts with a stop (watchlist, stack) and answers its client's start with \
            breakpoints, watchlist and stack; a session counts once its client received all five. \
            With --burst, every tracer then sends that much program output at once, as a program \
            that printed a lot before stopping would, and the sessions are measured once their \
            clients have it all. The server's RSS (VmRSS) with every session attached, minus its \
            RSS idle, divided by the sessions, is the memory per session. Fewer sessions are opened than asked when \
            either process may not open enough files (RLIMIT_NOFILE), and the report says so.
            """)

    @Option(help: "Sessions to hold open.")
    var sessions = 10_000

    @Option(help: "Sessions being set up at once.")
    var concurrency = 128

    @Option(help: "KiB of program output each tracer sends once every session is attached (0: none).")
    var burst = 0

    @Option(help: "The memory budget per session in KiB, which the result is compared with.")
    var targetKiB = 20.0

    @OptionGroup var options: ServerOptions

    func validate() throws {
        guard sessions >= 1, concurrency >= 1, burst >= 0 else {
            throw ValidationError("--sessions and --concurrency must be positive, --burst not negative")
        }
    }

    func run() async throws {
        raiseOpenFileLimit()
        let server = try options.launchServer()
        defer { server.stop() }
        guard let probe = server.probe else {
            throw ValidationError("Measuring memory needs the server's pid: add --server-pid")
        }
        try await withEventLoops(threads: options.threads) { group in
            try await measure(server, probe: probe, group: group)
        }
    }

    private func measure(_ server: RelayProcess, probe: ProcessProbe, group: any EventLoopGroup) async throws {
        // Let the server finish starting before taking its idle size.
        try await Task.sleep(for: .milliseconds(500))
        let idleBytes = try probe.residentBytes()
        let (count, limit) = try sessionCount(server: probe)
        if let limit {
            printToStandardError("Opening \(grouped(count)) sessions, not \(grouped(sessions)): \(limit)")
        }

        let tally = LoadTally()
        let setupStart = ContinuousClock.now
        let load = try await SessionLoad.open(
            count: count, clientsPerSession: 1, attachMessages: 5, relay: server.address, group: group,
            tally: tally, concurrency: concurrency
        ) { done in
            if done % 1000 == 0 || done == count {
                printToStandardError("  \(grouped(done)) sessions attached")
            }
        }
        let setupSeconds = (ContinuousClock.now - setupStart).seconds
        if burst > 0 {
            try await sendBurst(through: load, count: count, tally: tally)
        }

        // The server is quiet once every client got its five messages;
        // a few samples a moment later show whether its size settled.
        try await Task.sleep(for: .seconds(1))
        var samples: [Double] = []
        for _ in 0..<5 {
            samples.append(Double(try probe.residentBytes()))
            try await Task.sleep(for: .milliseconds(200))
        }
        let failures = tally.failureCount.load(ordering: .relaxed)
        let firstFailure = tally.firstFailureDescription
        await load.close()

        let loadedBytes = median(samples)!
        let bytesPerSession = (loadedBytes - Double(idleBytes)) / Double(count)
        let kibPerSession = bytesPerSession / 1024
        print("""
            capacity: \(grouped(count)) sessions (a tracer and a client each) attached in \(fixed(setupSeconds, 1)) s\
            \(burst > 0 ? ", then \(burst) KiB of output through each" : "")
              qdb-server RSS: idle \(fixed(Double(idleBytes) / 1_048_576, 1)) MiB, \
            with the sessions \(fixed(loadedBytes / 1_048_576, 1)) MiB
              per session: \(fixed(kibPerSession, 2)) KiB = \(fixed(kibPerSession / targetKiB, 2)) × the \
            \(fixed(targetKiB, 0)) KiB budget
            """)
        if let limit {
            print("  limited from \(grouped(sessions)) sessions: \(limit)")
        }
        if failures > 0 {
            print("  \(failures) connections failed; first: \(firstFailure ?? "?")")
        }
        try writeResults([
            "benchmark": "server-capacity",
            "sessions_requested": JSONValue(sessions),
            "sessions": JSONValue(count),
            "burst_kib": JSONValue(burst),
            "session_limit": JSONValue(limit),
            "setup_seconds": .number(setupSeconds, places: 2),
            "server_rss_idle_bytes": JSONValue(idleBytes),
            "server_rss_loaded_bytes": JSONValue(Int(loadedBytes)),
            "server_rss_samples_bytes": .array(samples.map { JSONValue(Int($0)) }),
            "kib_per_session": .number(kibPerSession, places: 3),
            "target_kib_per_session": .number(targetKiB, places: 3),
            "ratio_to_target": .number(kibPerSession / targetKiB, places: 3),
            "failures": JSONValue(failures),
            "machine": MachineDescription.json,
        ], to: options.json)
        guard failures == 0 else { throw ExitCode.failure }
    }

    /// Has every tracer send `burst` KiB of prints, and waits until every
    /// client has received them.
    private func sendBurst(through load: SessionLoad, count: Int, tally: LoadTally) async throws {
        let (frames, messageCount) = StreamPayload.print.batch(ofAbout: burst * 1024)
        let expected = tally.clientMessages.load(ordering: .relaxed) + count * messageCount
        load.send(frames)
        let deadline = ContinuousClock.now + .seconds(120)
        while tally.clientMessages.load(ordering: .relaxed) < expected {
            guard ContinuousClock.now < deadline, tally.failureCount.load(ordering: .relaxed) == 0 else {
                let reason = tally.firstFailureDescription ?? "timed out"
                throw LoadError("The clients did not receive every burst: \(reason)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The sessions to open: as asked, unless the server or this process
    /// cannot hold that many connections, in which case the reason comes
    /// too.
    private func sessionCount(server: ProcessProbe) throws -> (Int, String?) {
        // Descriptors to spare on each side for files opened in passing
        // (this process reads /proc while measuring).
        let spare = 2
        let serverRoom = try server.sessionRoom(clientsPerSession: 1) - spare
        let ownRoom = try ProcessProbe.current.sessionRoom(clientsPerSession: 1) - spare
        guard sessions > min(serverRoom, ownRoom) else { return (sessions, nil) }
        let (room, probe, name) = serverRoom <= ownRoom
            ? (serverRoom, server, "qdb-server") : (ownRoom, ProcessProbe.current, "qdb-loadgen")
        let limit = try probe.openFileLimit()
        return (room, "\(name) may open \(grouped(limit)) files (RLIMIT_NOFILE at its hard limit), "
            + "and each session takes two")
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
