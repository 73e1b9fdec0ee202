import QdbClientSession
import QdbProtocol

/// What the session tells: replies to the requests that wait, stops,
/// program output.
extension DebugAdapter {
    mutating func receive(_ update: ClientSession.Update) -> [Action] {
        switch update {
        case .event(let event, let answering):
            if let answering, let index = waiting.firstIndex(where: { $0.command == answering }) {
                return answer(waiting.remove(at: index), with: event)
            }
            return unasked(event, answering: answering)
        case .unsupported(let name, let request):
            switch name {
            case "stop_reasons":
                hasExtensions = false
                isAttached = true
                return leaveEntry() + announceEntry()
            case "variables":
                hasExtensions = false
            default:
                break
            }
            guard let request, let index = waiting.firstIndex(where: { $0.command == request }) else { return [] }
            return unsupported(waiting.remove(at: index))
        case .originalTracer:
            // Breakpoints refused as extensions went again the original
            // way, which has no reply: they stand.
            hasExtensions = false
            var actions: [Action] = []
            for entry in waiting {
                if case .breakpoint(let batch, let index) = entry.purpose {
                    let line = BreakpointInfo(json: entry.command.message.payload)?.line
                    actions += settle(batch, index, .verified(id: nil, line: line))
                }
            }
            waiting.removeAll { if case .breakpoint = $0.purpose { true } else { false } }
            return actions
        case .unreadableFrame:
            return []
        }
    }

    // MARK: Replies

    private mutating func answer(_ entry: Waiting, with event: Event) -> [Action] {
        let request = entry.request
        if case .error(let error) = event {
            let text = error.data.stringValue ?? error.data.serialized()
            if case .breakpoint(let batch, let index) = entry.purpose {
                return settle(batch, index, .rejected(text))
            }
            return [.send(.response(.failure(request, text)))]
        }
        switch (entry.purpose, event) {
        case (.threads, .threads(let threads)):
            let list = threads.map { summary -> JSONValue in
                ["id": JSONValue(summary.thread.id), "name": .string(summary.thread.name)]
            }
            return noteThreads(threads.map(\.thread.id)) + [.send(.response(.success(request, ["threads": .array(list)])))]
        case (.evaluate(let context), .print(let output)):
            if !output.exception.isNull && context != "repl" {
                return [.send(.response(.failure(request, output.output)))]
            }
            return [.send(.response(.success(request, ["result": .string(output.output), "variablesReference": 0])))]
        case (.variables(let target, let start), .variables(let reply)):
            let list = reply.variables.enumerated().map { offset, variable -> JSONValue in
                var path = target.path
                path.append(start + offset)
                let reference = variable.children > 0
                    ? references.reference(to: .init(frame: target.frame, root: target.root, path: path)) : 0
                var members: [(String, JSONValue)] = [
                    ("name", .string(variable.name)), ("value", .string(variable.value)), ("type", .string(variable.type)),
                    ("variablesReference", JSONValue(reference)),
                ]
                // Editors page long sequences when told their length.
                if ["list", "tuple", "set", "frozenset"].contains(variable.type) {
                    members.append(("indexedVariables", JSONValue(variable.children)))
                }
                return .object(JSONObject(members))
            }
            return [.send(.response(.success(request, ["variables": .array(list)])))]
        case (.locals, .locals(let locals)):
            let list = locals.members.map { member -> JSONValue in
                ["name": .string(member.key), "value": .string(member.value.stringValue ?? member.value.serialized()),
                 "variablesReference": 0]
            }
            return [.send(.response(.success(request, ["variables": .array(list)])))]
        case (.breakpoint(let batch, let index), .breakChanged(let change)):
            return settle(batch, index, .verified(id: change.breakpoint.number, line: change.breakpoint.location.line))
        default:
            return [.send(.response(.failure(request, "Unexpected reply from the tracer: \(event.message.name ?? "?")")))]
        }
    }

    /// An original tracer does not know the extension a request needed.
    private mutating func unsupported(_ entry: Waiting) -> [Action] {
        let request = entry.request
        switch entry.purpose {
        case .threads:
            return [.send(.response(.success(request, ["threads": [["id": 1, "name": "MainThread"]]])))]
        case .variables(let target, _) where target.root == .locals && target.path.isEmpty:
            return select(frame: target.frame) + self.request(.locals, for: request, .locals)
        case .variables:
            return [.send(.response(.success(request, ["variables": []])))]
        default:
            return [.send(.response(.failure(request, "Not supported by this tracer")))]
        }
    }

    // MARK: What nobody asked for

    private mutating func unasked(_ event: Event, answering: Command?) -> [Action] {
        switch event {
        case .stack(let stack):
            selectedFrame = stack.index
            let news = stack.thread.map { noteThreads(Array(knownThreads.union([$0.id]))) } ?? []
            if isNewStop(stack, answering: answering) {
                return news + newStop(stack)
            }
            return news
        case .threads(let threads):
            return noteThreads(threads.map(\.thread.id))
        case .running(let thread):
            // Another client moved the program on.
            references.invalidate()
            selectedFrame = nil
            guard !resumedHere else { return [] }
            return [.send(.event("continued", body: ["threadId": JSONValue(thread), "allThreadsContinued": true]))]
        case .stopReasons(let on):
            hasExtensions = on
            isAttached = true
            return leaveEntry() + announceEntry()
        case .print(let output):
            let category = output.input.stringValue == PrintOutput.standardError ? "stderr" : "stdout"
            guard output.isProgramOutput, !output.output.isEmpty else { return [] }
            return [.send(.event("output", body: ["category": .string(category), "output": .string(output.output)]))]
        case .error(let error) where answering == nil:
            let text = error.data.stringValue ?? error.data.serialized()
            return [.send(.event("output", body: ["category": "console", "output": .string("qdb: \(text)\n")]))]
        default:
            return []
        }
    }

    /// `thread` events for what changed since the editor was last told:
    /// the protocol says when a thread stops or is listed, not when it
    /// starts or ends, so the editor learns it then.
    mutating func noteThreads(_ running: [Int]) -> [Action] {
        let now = Set(running)
        let started = now.subtracting(knownThreads).sorted().map { ("started", $0) }
        let exited = knownThreads.subtracting(now).sorted().map { ("exited", $0) }
        knownThreads = now
        return (started + exited).map { reason, id in
            .send(.event("thread", body: ["reason": .string(reason), "threadId": JSONValue(id)]))
        }
    }

    /// Whether `stack` announces a stop, rather than showing one again
    /// (after `start`, `up`, `down`). Our tracer says so; for an original
    /// one, a stack that answers a step or continue, or nothing of ours,
    /// is taken as one.
    private func isNewStop(_ stack: Stack, answering: Command?) -> Bool {
        if stack.stop != nil { return true }
        guard hasExtensions == false else { return false }
        switch answering {
        case nil, .step?, .next?, .until?, .return?, .continue?, .jump?: return true
        default: return false
        }
    }

    private mutating func newStop(_ stack: Stack) -> [Action] {
        references.invalidate()
        resumedHere = false
        guard isConfigured else { return [] }
        isEntryAnnounced = true
        switch stack.stop?.kind {
        case .breakpoint?:
            return [stopped(reason: "breakpoint", breakpoints: stack.stop?.breakpoint.map { [$0] } ?? [])]
        case .exception?, .postMortem?:
            return [stopped(reason: "exception")]
        case .return?, .call?:
            return [stopped(reason: "step")]
        case .line?, nil:
            break
        }
        switch resumption {
        case .pause: return [stopped(reason: "pause")]
        case .entry: return [stopped(reason: "entry")]
        case .step: return [stopped(reason: "step")]
        case .continue:
            guard stack.stop == nil, let frame = stack.frames.last else { return [stopped(reason: "pause")] }
            // An original tracer: the breakpoints at the line it stopped at.
            let hit = model?.breakpoints.filter { $0.location.file == frame.file && $0.location.line == frame.line }
            return [stopped(reason: "breakpoint", breakpoints: hit?.map(\.number) ?? [])]
        }
    }
}
