import ArgumentParser
import NIOCore
import NIOPosix
import QdbProtocol

/// Streams messages from tracers to clients as fast as the server relays
/// them, and measures the messages clients receive per second, against
/// the reference relay measured in the same run.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Measure the messages per second a server relays from tracers to clients.",
        discussion: """
            Every tracer writes its payload over and over as fast as the server reads it (TCP \
            backpressure paces it); every client counts what it receives. After a warm-up, the \
            messages received in each interval give a rate; the median is quoted. The baseline, \
            measured in the same run, is the reference relay: the same wire protocol and NIO \
            pipelines, but frames forwarded without parsing.
            """)

    @Option(help: "Sessions streaming at once.")
    var sessions = 100

    @Option(help: "Clients per session; each gets every message of its tracer.")
    var clientsPerSession = 1

    @Option(help: "What tracers send: \(StreamPayload.allCases.map(\.rawValue).joined(separator: ", ")).")
    var payload: StreamPayload = .mixed

    @Option(help: "Seconds of load before measuring.")
    var warmUp = 2.0

    @Option(help: "Intervals measured per relay and round.")
    var intervals = 10

    @Option(help: "Seconds per interval.")
    var interval = 1.0

    @Option(help: "Rounds of baseline then server; more rounds even out a noisy machine.")
    var rounds = 1

    @Flag(help: "Measure the server alone, without the reference relay.")
    var noBaseline = false

    @Option(help: "The target in messages per second delivered to clients, which the result is compared with.")
    var target = 100_000

    @OptionGroup var options: ServerOptions

    func validate() throws {
        guard sessions >= 1, clientsPerSession >= 1, intervals >= 1, rounds >= 1, interval > 0, warmUp >= 0 else {
            throw ValidationError("Counts and durations must be positive")
        }
    }

    func run() async throws {
        raiseOpenFileLimit()
        var serverRuns: [RelayMeasurement] = []
        var baselineRuns: [RelayMeasurement] = []
        for round in 1...rounds {
            if !noBaseline {
                let reference = try RelayProcess(
                    executable: try executableBesideThisOne("qdb-loadgen"), arguments: ["reference-relay"])
                defer { reference.stop() }
                baselineRuns.append(try await measure(reference, name: "reference relay, round \(round)"))
            }
            let server = try options.launchServer()
            defer { server.stop() }
            serverRuns.append(try await measure(server, name: "qdb-server, round \(round)"))
        }
        let serverResult = RelayMeasurement(combining: serverRuns)
        let baselineResult = noBaseline ? nil : RelayMeasurement(combining: baselineRuns)
        report(server: serverResult, baseline: baselineResult)
        let failures = (serverRuns + baselineRuns).map(\.failures).reduce(0, +)
        guard failures == 0 else { throw ExitCode.failure }
    }

    private func measure(_ relay: RelayProcess, name: String) async throws -> RelayMeasurement {
        try await withEventLoops(threads: options.threads) { group in
            try await measure(relay, name: name, group: group)
        }
    }

    private func measure(_ relay: RelayProcess, name: String, group: any EventLoopGroup) async throws
        -> RelayMeasurement {
        let tally = LoadTally()
        // The first client of a session gets the tracer's first stop and
        // the answer to its start; later clients the answer alone.
        let load = try await SessionLoad.open(
            count: sessions, clientsPerSession: clientsPerSession, attachMessages: 3, relay: relay.address,
            group: group, tally: tally, concurrency: 128)
        load.startStreaming(payload.batch(ofAbout: 16 * 1024).buffer)
        try await Task.sleep(for: .seconds(warmUp))

        let relayCPUStart = try relay.probe?.cpuSeconds()
        let ownCPUStart = try ProcessProbe.current.cpuSeconds()
        let bytesStart = tally.clientBytes.load(ordering: .relaxed)
        let start = ContinuousClock.now
        var last = (time: start, messages: tally.clientMessages.load(ordering: .relaxed))
        let messagesStart = last.messages
        var rates: [Double] = []
        for _ in 0..<intervals {
            try await Task.sleep(for: .seconds(interval))
            let now = (time: ContinuousClock.now, messages: tally.clientMessages.load(ordering: .relaxed))
            rates.append(Double(now.messages - last.messages) / (now.time - last.time).seconds)
            last = now
        }
        let elapsed = (last.time - start).seconds
        let relayCPU = try relay.probe.map { try ($0.cpuSeconds() - relayCPUStart!) / elapsed }
        let relayRSS = try relay.probe?.residentBytes()
        let ownCPU = (try ProcessProbe.current.cpuSeconds() - ownCPUStart) / elapsed
        let bytes = tally.clientBytes.load(ordering: .relaxed) - bytesStart
        let measurement = RelayMeasurement(
            rates: rates, relayCPU: relayCPU.map { [$0] } ?? [], loadCPU: [ownCPU],
            relayRSS: relayRSS.map { [Double($0)] } ?? [],
            meanMessageBytes: Double(bytes) / Double(max(1, last.messages - messagesStart)),
            failures: tally.failureCount.load(ordering: .relaxed), firstFailure: tally.firstFailureDescription)
        await load.close()
        printToStandardError("  \(name): median \(grouped(Int(measurement.medianRate))) messages/s")
        return measurement
    }

    private func report(server: RelayMeasurement, baseline: RelayMeasurement?) {
        let clients = sessions * clientsPerSession
        print("""
            relay: \(sessions) sessions × \(clientsPerSession) client\(clientsPerSession == 1 ? "" : "s"), \
            payload \(payload.rawValue) (\(fixed(server.meanMessageBytes, 0)) bytes per message), \
            median of \(server.rates.count) × \(fixed(interval, 1)) s after \(fixed(warmUp, 1)) s of warm-up
            """)
        print("  qdb-server:      \(server.summary(clientsPerSession: clientsPerSession))")
        if let baseline {
            print("  reference relay: \(baseline.summary(clientsPerSession: clientsPerSession))")
            print("  qdb-server / reference relay: \(fixed(server.medianRate / baseline.medianRate, 2))")
        }
        print("  qdb-server / target of \(grouped(target)) messages/s: \(fixed(server.medianRate / Double(target), 2))")
        for (name, run) in [("qdb-server", server), ("reference relay", baseline)] {
            if let run, run.failures > 0 {
                print("  \(name): \(run.failures) connections failed; first: \(run.firstFailure ?? "?")")
            }
        }
        var results: JSONValue = [
            "benchmark": "server-relay",
            "sessions": JSONValue(sessions),
            "clients_per_session": JSONValue(clientsPerSession),
            "clients": JSONValue(clients),
            "payload": .string(payload.rawValue),
            "warm_up_seconds": .number(warmUp, places: 3),
            "interval_seconds": .number(interval, places: 3),
            "server": server.json(clientsPerSession: clientsPerSession),
            "target_messages_per_second": JSONValue(target),
            "ratio_to_target": .number(server.medianRate / Double(target), places: 3),
            "machine": MachineDescription.json,
        ]
        if let baseline {
            results = results.adding("baseline", baseline.json(clientsPerSession: clientsPerSession))
                .adding("ratio_to_baseline", .number(server.medianRate / baseline.medianRate, places: 3))
        }
        do {
            try writeResults(results, to: options.json)
        } catch {
            printToStandardError("\(error)")
        }
    }
}

/// What one relay did under load: the delivery rate of each interval,
/// the CPU each side used (in cores) while measured, and the relay's RSS
/// at the end.
struct RelayMeasurement {
    var rates: [Double]
    var relayCPU: [Double]
    var loadCPU: [Double]
    var relayRSS: [Double]
    var meanMessageBytes: Double
    var failures: Int
    var firstFailure: String?

    /// The intervals of several runs as one.
    init(combining runs: [RelayMeasurement]) {
        rates = runs.flatMap(\.rates)
        relayCPU = runs.flatMap(\.relayCPU)
        loadCPU = runs.flatMap(\.loadCPU)
        relayRSS = runs.flatMap(\.relayRSS)
        meanMessageBytes = runs.map(\.meanMessageBytes).reduce(0, +) / Double(max(1, runs.count))
        failures = runs.map(\.failures).reduce(0, +)
        firstFailure = runs.lazy.compactMap(\.firstFailure).first
    }

    init(
        rates: [Double], relayCPU: [Double], loadCPU: [Double], relayRSS: [Double], meanMessageBytes: Double,
        failures: Int, firstFailure: String?
    ) {
        self.rates = rates
        self.relayCPU = relayCPU
        self.loadCPU = loadCPU
        self.relayRSS = relayRSS
        self.meanMessageBytes = meanMessageBytes
        self.failures = failures
        self.firstFailure = firstFailure
    }

    /// Messages per second delivered to clients, median of the intervals.
    var medianRate: Double { median(rates) ?? 0 }

    /// The relay's CPU time per message delivered, in microseconds: on a
    /// machine whose other load takes CPU from the relay, the rate drops
    /// but this figure stays about the same.
    var relayMicrosecondsPerMessage: Double? {
        median(relayCPU).map { $0 / medianRate * 1e6 }
    }

    func summary(clientsPerSession: Int) -> String {
        var text = "\(grouped(Int(medianRate))) messages/s to clients"
        if clientsPerSession > 1 {
            text += " (\(grouped(Int(medianRate) / clientsPerSession)) from tracers)"
        }
        text += " [\(grouped(Int(rates.min() ?? 0)))–\(grouped(Int(rates.max() ?? 0)))]"
        if let relayCPU = median(relayCPU), let loadCPU = median(loadCPU),
           let perMessage = relayMicrosecondsPerMessage {
            text += "; CPU cores: relay \(fixed(relayCPU, 2)), load generator \(fixed(loadCPU, 2))"
            text += "; relay CPU per message \(fixed(perMessage, 2)) µs"
        }
        if let rss = median(relayRSS) {
            text += "; relay RSS \(fixed(rss / 1_048_576, 1)) MiB"
        }
        return text
    }

    func json(clientsPerSession: Int) -> JSONValue {
        [
            "messages_per_second": .number(medianRate, places: 0),
            "tracer_messages_per_second": .number(medianRate / Double(clientsPerSession), places: 0),
            "interval_rates": .array(rates.map { .number($0, places: 0) }),
            "relay_cpu_cores": median(relayCPU).map { .number($0, places: 3) } ?? .null,
            "load_generator_cpu_cores": median(loadCPU).map { .number($0, places: 3) } ?? .null,
            "relay_cpu_microseconds_per_message": relayMicrosecondsPerMessage.map { .number($0, places: 3) } ?? .null,
            "relay_rss_bytes": median(relayRSS).map { .number($0, places: 0) } ?? .null,
            "mean_message_bytes": .number(meanMessageBytes, places: 1),
            "failures": JSONValue(failures),
        ]
    }
}

extension StreamPayload: ExpressibleByArgument {}

extension JSONValue {
    /// This object with `key` set to `value`.
    func adding(_ key: String, _ value: JSONValue) -> JSONValue {
        guard var object = objectValue else { return self }
        object[key] = value
        return .object(object)
    }
}
