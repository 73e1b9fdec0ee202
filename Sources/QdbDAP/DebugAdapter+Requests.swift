import QdbClientSession
import QdbProtocol

/// The editor's requests.
extension DebugAdapter {
    /// What qdb-dap can do, and nothing more.
    static let capabilities: JSONValue = [
        "supportsConfigurationDoneRequest": true,
        "supportsConditionalBreakpoints": true,
        "supportsEvaluateForHovers": true,
        "supportsTerminateRequest": true,
        "supportTerminateDebuggee": true,
        "supportsDelayedStackTraceLoading": true,
    ]

    static let notStopped = "The program is running: pause it first"

    mutating func handle(_ request: DAPRequest) -> [Action] {
        let arguments = request.arguments
        switch request.command {
        case "initialize":
            return [.send(.response(.success(request, Self.capabilities)))]
        case "launch", "attach":
            return begin(request)
        case "configurationDone":
            isConfigured = true
            let actions: [Action] = [.send(.response(.success(request)))]
            if case .started(.launch(stopsOnEntry: false)) = start {
                isEntryAnnounced = true
                continuesFromEntry = true
            }
            return actions + leaveEntry() + announceEntry()
        case "disconnect":
            return disconnect(request, terminating: arguments["terminateDebuggee"]?.boolValue)
        case "terminate":
            guard session != nil else { return [.send(.response(.success(request))), .send(.event("terminated", body: nil)), .exit] }
            return [.send(.response(.success(request)))] + self.request(.disable("hard"))
        default:
            break
        }
        guard session != nil else {
            return [.send(.response(.failure(request, "No program: send launch or attach first")))]
        }
        switch request.command {
        case "setBreakpoints":
            return setBreakpoints(request)
        case "threads":
            return self.request(.threads, for: request, .threads)
        case "stackTrace":
            return stackTrace(request)
        case "scopes":
            return scopes(request)
        case "variables":
            return variables(request)
        case "evaluate":
            return evaluate(request)
        case "continue":
            return stepping(request, .continue, as: .continue, body: ["allThreadsContinued": true])
        case "next":
            return stepping(request, .next, as: .step)
        case "stepIn":
            return stepping(request, .step, as: .step)
        case "stepOut":
            return stepping(request, .return, as: .step)
        case "pause":
            return pause(request)
        default:
            return [.send(.response(.failure(request, "qdb-dap does not support the request '\(request.command)'")))]
        }
    }

    // MARK: Starting and ending

    private mutating func begin(_ request: DAPRequest) -> [Action] {
        guard case .notYet = start else {
            return [.send(.response(.failure(request, "The program is already started")))]
        }
        do throws(ConfigurationError) {
            if request.command == "launch" {
                let configuration = try LaunchConfiguration(request.arguments)
                start = .starting(request, .launch(stopsOnEntry: configuration.stopsOnEntry))
                return [.launch(configuration)]
            }
            let configuration = try AttachConfiguration(request.arguments)
            start = .starting(request, .attach(ownsSession: configuration.processID != nil))
            return [.attach(configuration)]
        } catch {
            start = .notYet
            return [.send(.response(.failure(request, error.message)))]
        }
    }

    /// A program launched without `stopOnEntry` goes on from its first
    /// stop once we are attached: the tracer shows that stop again in its
    /// reply to `start`, which must not come after our `continue`.
    mutating func leaveEntry() -> [Action] {
        guard continuesFromEntry, isAttached, isStopped else { return [] }
        continuesFromEntry = false
        return resume(.continue, with: .continue)
    }

    /// The first stop is told once the editor is configured: as `entry`
    /// when launched with `stopOnEntry`, and for an attached program that
    /// is stopped.
    mutating func announceEntry() -> [Action] {
        guard isConfigured, isAttached, !isEntryAnnounced, isStopped else { return [] }
        isEntryAnnounced = true
        let reason = if case .started(.attach) = start { "pause" } else { resumption == .pause ? "pause" : "entry" }
        return [stopped(reason: reason)]
    }

    func stopped(reason: String, breakpoints: [Int] = []) -> Action {
        var body: [(String, JSONValue)] = [
            ("reason", .string(reason)), ("threadId", JSONValue(stoppedThread)),
            ("allThreadsStopped", .bool(model?.stopsAllThreads ?? false)),
        ]
        if !breakpoints.isEmpty {
            body.append(("hitBreakpointIds", .array(breakpoints.map { JSONValue($0) })))
        }
        return .send(.event("stopped", body: .object(JSONObject(body))))
    }

    /// A launched program is stopped with the session unless the editor
    /// says otherwise; an attached one runs on, for the other clients, or
    /// untraced when attached by process id (`quit` in qdb-cli).
    private mutating func disconnect(_ request: DAPRequest, terminating: Bool?) -> [Action] {
        isDisconnecting = true
        let isLaunched = if case .started(.launch) = start { true } else { false }
        let ownsSession = if case .started(.attach(ownsSession: true)) = start { true } else { false }
        let terminating = terminating ?? isLaunched
        var actions: [Action] = [.send(.response(.success(request)))]
        guard session != nil, model?.isEnded == false else { return actions + [.exit] }
        if terminating && !isLaunched {
            actions += self.request(.disable("hard"))
        } else if ownsSession {
            actions += self.request(.disable("soft"))
        }
        return actions + [.disconnect]
    }

    // MARK: Breakpoints

    /// DAP's breakpoints replace those of the file: the lines set before
    /// are deleted, then each new one added, and the response waits for
    /// the tracer's word on every one.
    private mutating func setBreakpoints(_ request: DAPRequest) -> [Action] {
        guard let file = request.arguments["source"]?["path"]?.stringValue else {
            return [.send(.response(.failure(request, "setBreakpoints: source.path is required")))]
        }
        let wanted = request.arguments["breakpoints"]?.nonNull?.arrayValue ?? []
        let old = breakpoints.replaceLines(of: file, with: wanted.compactMap { $0["line"]?.intValue })
        var actions = old.flatMap { line in
            self.request(.deleteBreak(["file": .string(file), "line": JSONValue(line)]))
        }
        let batch = breakpoints.begin(request, count: wanted.count)
        for (index, breakpoint) in wanted.enumerated() {
            guard let line = breakpoint["line"]?.intValue else {
                actions += settle(batch, index, .rejected("a breakpoint needs a line"))
                continue
            }
            let condition = breakpoint["condition"]?.stringValue.flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0 }
            let location = BreakpointInfo(file: file, line: line, condition: condition)
            if model?.tracerKind == .original {
                // Set the original way, with no reply to wait for.
                actions += self.request(.addBreak(location.json))
                actions += settle(batch, index, .verified(id: nil, line: line))
            } else {
                actions += self.request(.addBreak(location.json), for: request, .breakpoint(batch: batch, index: index))
            }
        }
        return actions + (breakpoints.finishIfEmpty(batch).map { [.send(.response($0))] } ?? [])
    }

    /// Records one breakpoint's outcome, and responds once its batch is
    /// complete.
    mutating func settle(_ batch: Int, _ index: Int, _ outcome: BreakpointBatches.Outcome) -> [Action] {
        breakpoints.settle(batch, index, outcome).map { [.send(.response($0))] } ?? []
    }

    // MARK: At a stop

    private func stackTrace(_ request: DAPRequest) -> [Action] {
        guard isStopped, let stack = model?.stack else {
            return [.send(.response(.failure(request, Self.notStopped)))]
        }
        let thread = request.arguments["threadId"]?.intValue ?? stoppedThread
        guard thread == stoppedThread else {
            return [.send(.response(.failure(request, "Thread \(thread) is running")))]
        }
        // Innermost first, as editors show them; ids are stack indices + 1.
        let frames = stack.frames.enumerated().reversed().map { index, frame -> JSONValue in
            [
                "id": JSONValue(index + 1), "name": .string(frame.function), "line": JSONValue(frame.line),
                "column": 1, "source": ["name": .string(Self.baseName(frame.file)), "path": .string(frame.file)],
            ]
        }
        let first = max(0, request.arguments["startFrame"]?.intValue ?? 0)
        let levels = request.arguments["levels"]?.intValue ?? 0
        let page = frames.dropFirst(first).prefix(levels > 0 ? levels : frames.count)
        return [.send(.response(.success(request, ["stackFrames": .array(Array(page)), "totalFrames": JSONValue(frames.count)])))]
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The stack index a DAP frame id names, if it is one of this stop's.
    func frameIndex(_ id: JSONValue?) -> Int? {
        guard let id = id?.intValue, let count = model?.stack?.frames.count, id >= 1, id <= count else { return nil }
        return id - 1
    }

    private mutating func scopes(_ request: DAPRequest) -> [Action] {
        guard isStopped else { return [.send(.response(.failure(request, Self.notStopped)))] }
        guard let frame = frameIndex(request.arguments["frameId"]) else {
            return [.send(.response(.failure(request, "scopes: no frame \(request.arguments["frameId"] ?? .null)")))]
        }
        var scopes: [JSONValue] = [[
            "name": "Locals", "presentationHint": "locals", "expensive": false,
            "variablesReference": JSONValue(references.reference(to: .init(frame: frame, root: .locals, path: []))),
        ]]
        // An original tracer lists only locals.
        if hasExtensions != false {
            scopes.append([
                "name": "Globals", "expensive": true,
                "variablesReference": JSONValue(references.reference(to: .init(frame: frame, root: .globals, path: []))),
            ])
        }
        return [.send(.response(.success(request, ["scopes": .array(scopes)])))]
    }

    private mutating func variables(_ request: DAPRequest) -> [Action] {
        guard isStopped else { return [.send(.response(.failure(request, Self.notStopped)))] }
        guard let reference = request.arguments["variablesReference"]?.intValue,
              let target = references.target(of: reference)
        else {
            return [.send(.response(.failure(request, "variables: unknown variablesReference (from an earlier stop?)")))]
        }
        if hasExtensions == false {
            guard target.root == .locals, target.path.isEmpty else {
                return [.send(.response(.success(request, ["variables": []])))]
            }
            return select(frame: target.frame) + self.request(.locals, for: request, .locals)
        }
        let start = max(0, request.arguments["start"]?.intValue ?? 0)
        let count = request.arguments["count"]?.intValue.flatMap { $0 > 0 ? $0 : nil }
        let query = VariablesRequest(frame: target.frame, root: target.root, path: target.path, start: start, count: count)
        return self.request(.variables(query.json), for: request, .variables(target, start: start))
    }

    private mutating func evaluate(_ request: DAPRequest) -> [Action] {
        guard let expression = request.arguments["expression"]?.stringValue else {
            return [.send(.response(.failure(request, "evaluate: expression is required")))]
        }
        guard isStopped else { return [.send(.response(.failure(request, Self.notStopped)))] }
        var actions: [Action] = []
        if let frame = frameIndex(request.arguments["frameId"]) {
            actions += select(frame: frame)
        }
        let context = request.arguments["context"]?.stringValue
        return actions + self.request(.eval(.string(expression)), for: request, .evaluate(context: context))
    }

    // MARK: Moving

    /// Steps act on the innermost frame, as editors mean them: the
    /// selection goes back there first.
    private mutating func stepping(
        _ request: DAPRequest, _ command: Command, as kind: Resumption, body: JSONValue? = nil
    ) -> [Action] {
        guard isStopped, let stack = model?.stack else { return [.send(.response(.failure(request, Self.notStopped)))] }
        var actions = select(frame: stack.frames.count - 1)
        actions += resume(command, with: kind)
        return actions + [.send(.response(.success(request, body)))]
    }

    mutating func resume(_ command: Command, with kind: Resumption) -> [Action] {
        resumption = kind
        resumedHere = true
        references.invalidate()
        selectedFrame = nil
        return request(command)
    }

    private mutating func pause(_ request: DAPRequest) -> [Action] {
        var actions: [Action] = [.send(.response(.success(request)))]
        resumption = .pause
        if continuesFromEntry {
            // Not gone on from the first stop yet: stay there.
            continuesFromEntry = false
            isEntryAnnounced = false
            return actions + announceEntry()
        }
        guard !isStopped else { return actions }
        let thread = request.arguments["threadId"]?.intValue ?? 1
        actions += self.request(.pause(thread == 1 ? .null : JSONValue(thread)))
        return actions
    }
}
