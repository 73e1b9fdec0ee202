import CPython
import QdbProtocol

/// The commands of docs/protocol.md, at a stop and while the program runs.
extension TracerSession {
    /// Handles one command at the selected thread's stop; returns how to
    /// leave the stop, or nil to wait for the next command.
    func handleAtStop(_ command: Command, in thread: ThreadPointer) -> LoopOutcome? {
        guard let selected = currentStop?.selectedFrame, threads[thread] != nil else { return .resume }
        switch command {
        case .step:
            threads[thread]?.debugger.setStep()
        case .next:
            threads[thread]?.debugger.setNext(selected)
        case .until(let payload):
            guard let line = untilLine(payload, from: selected) else { return nil }
            threads[thread]?.debugger.setUntil(selected, line: line)
        case .return:
            threads[thread]?.debugger.setReturn(selected)
        case .continue:
            threads[thread]?.debugger.setContinue()
        case .eval(let source):
            evaluate(source, prettyPrinting: false, in: selected)
            return nil
        case .pprint(let source):
            evaluate(source, prettyPrinting: true, in: selected)
            return nil
        case .interact(let block):
            interact(block, in: selected)
            return nil
        case .up, .down:
            moveSelection(up: command == .up)
            return nil
        case .locals:
            sendLocals(of: selected)
            return nil
        case .args:
            send(inspector.arguments(of: selected))
            return nil
        case .returnValue:
            sendReturnValue()
            return nil
        case .whatis(let payload):
            send(inspector.whatis(payload, in: selected))
            return nil
        case .source(let payload):
            inspector.source(payload, in: selected).map(send)
            return nil
        case .display(let payload):
            send(inspector.display(payload, in: selected))
            return nil
        case .undisplay(let payload):
            inspector.undisplay(payload, in: selected).map(send)
            return nil
        case .jump(let payload):
            jump(payload)
            return nil
        case .variables(let payload):
            send(variables(payload))
            return nil
        case .pause(let payload):
            // The original ignores a pause at a stop; one naming a thread
            // stops that thread too.
            if !payload.isNull {
                pauseCommand(payload)
            }
            return nil
        case .thread(let payload):
            return selectThread(payload) ? .yieldTurn : nil
        case .disable(let mode):
            return disableCommand(mode)
        case .disabled:
            disable(.soft)
            return .resume
        case .start, .setWatch, .clearWatch, .setBreak, .clearBreak, .list, .threads, .catch, .uncatch,
             .stopAllThreads, .stopReasons, .callStops, .breaks, .addBreak, .deleteBreak, .updateBreak, .complete, .unknown:
            if let error = handleAnytime(command) {
                return .raise(error)
            }
            return nil
        }
        return .resume
    }

    /// Handles a command that arrived while no stop is shown, on the
    /// reader thread with the GIL held. Returns false for commands that
    /// need a stopped program: they wait in the queue for the next stop, as
    /// in the original.
    func handleWhileRunning(_ command: Command) -> Bool {
        switch command {
        case .pause(let payload):
            pauseCommand(payload)
        case .thread(let payload):
            _ = selectThread(payload)
        case .disable(let mode):
            // A hard disable raises QdbQuit in the running program.
            _ = disableCommand(mode)
        case .disabled:
            disable(.soft)
        case .start, .setWatch, .clearWatch, .setBreak, .clearBreak, .list, .threads, .catch, .uncatch,
             .stopAllThreads, .stopReasons, .callStops, .breaks, .addBreak, .deleteBreak, .updateBreak, .complete, .unknown:
            if handleAnytime(command) != nil {
                // The server refused us (wrong auth): the program learns it
                // the way it would at a stop.
                raiseInProgram("QdbAuthenticationError")
            }
        default:
            return false
        }
        return true
    }

    /// Commands that work the same whether the program is stopped or not.
    /// Returns an error to raise in the program (the server refused our
    /// authentication).
    private func handleAnytime(_ command: Command) -> PythonError? {
        switch command {
        case .start:
            clientAttached = true
            send(.breakpoints(breakpoints.all.map(\.info)))
            if !catches.isEmpty {
                send(.catches(catches.names))
            }
            send(.watchlist(watchlist.entries))
            sendStack()
        case .setWatch(let payload):
            guard let expressions = watchExpressions(payload, command: "set_watch") else { break }
            watchlist.add(expressions)
            refreshWatchlist()
            send(.watchlist(watchlist.entries))
        case .clearWatch(let payload):
            guard let expressions = watchExpressions(payload, command: "clear_watch") else { break }
            watchlist.remove(expressions)
            send(.watchlist(watchlist.entries))
        case .setBreak(let payload):
            setBreakpoint(payload, numbered: false)
        case .addBreak(let payload):
            setBreakpoint(payload, numbered: true)
        case .deleteBreak(let payload):
            deleteBreakpoints(payload)
        case .updateBreak(let payload):
            updateBreakpoint(payload)
        case .breaks:
            sendNumberedBreakpoints()
        case .clearBreak(let payload):
            clearBreakpoint(payload)
        case .list(let payload):
            list(payload)
        case .threads:
            sendThreads()
        case .catch(let payload):
            catchCommand(payload, adding: true)
        case .uncatch(let payload):
            catchCommand(payload, adding: false)
        case .stopAllThreads(let payload):
            stopAllThreadsCommand(payload)
        case .stopReasons(let payload):
            switchSetting(payload, named: "stop_reasons") { on in
                sendsStopReasons = on
                return .stopReasons(on)
            }
        case .callStops(let payload):
            switchSetting(payload, named: "call_stops") { on in
                stopsAtCalls = on
                return .callStops(on)
            }
        case .complete(let payload):
            send(inspector.completions(payload, in: currentStop?.selectedFrame))
        case .unknown(let message):
            return unknownCommand(message)
        default:
            break
        }
        return nil
    }

    // MARK: eval, pprint

    private func evaluate(_ source: JSONValue, prettyPrinting: Bool, in frame: PythonFrame) {
        // The original says "eval" for pprint too.
        guard !source.isNull else { return payloadMissing("eval") }
        var result = evaluator.execute(source, in: .frame(frame), prettyPrinting: prettyPrinting)
        result.breakpoint = runningCommandsOf
        send(.print(result))
        refreshWatchlist()
        send(.watchlist(watchlist.entries))
    }

    /// A block typed in `interact`, run as pdb's `interact` runs it: in one
    /// namespace for the stop, a copy of the frame's globals and locals made
    /// when the console starts (`fresh`), so that what it defines sees what
    /// it assigned, and the frame's own variables keep their values.
    private func interact(_ block: JSONValue, in frame: PythonFrame) {
        guard let source = block["source"], !source.isNull else { return payloadMissing("interact") }
        if block["fresh"]?.boolValue == true || currentStop?.interactNamespace == nil {
            currentStop?.interactNamespace = interactNamespace(of: frame)
        }
        // Without a namespace of its own (the copy failed), the frame's.
        let scope = currentStop?.interactNamespace.map(Evaluator.Scope.namespace) ?? .frame(frame)
        send(.print(evaluator.execute(source, in: scope, prettyPrinting: false)))
        refreshWatchlist()
        send(.watchlist(watchlist.entries))
    }

    private func interactNamespace(of frame: PythonFrame) -> PythonObject? {
        defer { PyErr_Clear() }
        guard let namespace = try? PythonObject.result(PyDict_Copy(frame.globals.pointer)),
              let locals = try? frame.localsSnapshot(),
              PyDict_Update(namespace.pointer, locals.pointer) == 0
        else { return nil }
        return namespace
    }

    // MARK: Watches

    /// A list of expressions. A string is iterated as the original did
    /// (Python's `for expr in payload`): each character is an expression.
    private func watchExpressions(_ payload: JSONValue, command: String) -> [String]? {
        if payload.isNull {
            payloadMissing(command)
            return nil
        }
        if let text = payload.stringValue {
            return text.unicodeScalars.map(String.init)
        }
        guard let list = payload.arrayValue?.compactMap(\.stringValue),
              list.count == payload.arrayValue?.count
        else {
            send(.error(ErrorInfo(type: "payload", "\(command): expected a list of expressions")))
            return nil
        }
        return list
    }

    // MARK: list

    /// The lines of a file: the whole file, or a Python slice of its
    /// 0-based lines.
    private func list(_ payload: JSONValue) {
        guard !payload.isNull else { return payloadMissing("list") }
        let named = payload["file"]?.nonNull
        let file = named?.stringValue.map { FilePaths.canonical($0) }
            ?? options.defaultFile ?? currentStop?.selectedFrame?.file
        guard let file, !codes.skipRule.skips(file), let lines = sources.lines(of: file) else {
            let shown = named.map { $0.stringValue ?? JSONConversion.pythonRepr($0) } ?? file ?? "None"
            send(.error(ErrorInfo(type: "list", "File \(shown) does not exist")))
            return
        }
        guard let start = PythonSlice.bound(payload["start"]), let end = PythonSlice.bound(payload["end"]) else {
            send(.error(ErrorInfo(type: "list", "List slice arguments must be convertable to type int")))
            return
        }
        let range = PythonSlice.range(count: lines.count, start: start, end: end)
        send(.list(lines[range].joined(separator: "\n")))
    }

    // MARK: up, down, locals

    private func moveSelection(up: Bool) {
        guard var stop = currentStop else { return }
        let target = stop.stack.index + (up ? -1 : 1)
        if stop.stack.entries.indices.contains(target) {
            stop.stack.index = target
            currentStop = stop
        } else {
            send(.error(ErrorInfo(type: up ? "up" : "down", up ? "Oldest frame" : "Newest frame")))
        }
        refreshWatchlist()
        send(.watchlist(watchlist.entries))
        sendStack()
    }

    private func sendLocals(of frame: PythonFrame) {
        var members: [(String, JSONValue)] = []
        if let locals = try? frame.localsSnapshot() {
            for (key, value) in locals.dictionaryItems {
                members.append((key.stringValue ?? key.reprText, JSONConversion.json(from: value)))
            }
        }
        PyErr_Clear()
        send(.locals(JSONObject(members)))
    }

    // MARK: disable, unknown, errors

    private func disableCommand(_ payload: JSONValue) -> LoopOutcome? {
        guard !payload.isNull else {
            payloadMissing("disable")
            return nil
        }
        guard let mode = payload.stringValue.flatMap(DisableMode.init(rawValue:)) else {
            send(.error(ErrorInfo(type: "disable", "payload must be either 'soft' or 'hard'")))
            return nil
        }
        disable(mode)
        return mode == .hard ? .raise(QdbErrors.make("QdbQuit")) : .resume
    }

    /// An event with no command: an error if a client sent it; before any
    /// client attached, an `error` comes from the server (our start was
    /// refused, or nobody came).
    private func unknownCommand(_ message: Message) -> PythonError? {
        if message.name == "error" && !clientAttached {
            let error = ErrorInfo(json: message.payload)
            guard error?.type == "auth" else { return nil }
            let text = error?.data.stringValue ?? "Authentication failed"
            disable(.soft, notifyingServer: false)
            return QdbErrors.make("QdbAuthenticationError", PythonObject(text))
        }
        let name = message.name ?? JSONConversion.object(from: message.event).text
        send(.error(ErrorInfo(type: "event", "Command \(name) does not exist")))
        return nil
    }

    func payloadMissing(_ command: String) {
        send(.error(ErrorInfo(type: "payload", "\(command): expected payload")))
    }

    /// An on/off extension (`stop_reasons`, `call_stops`): `apply` takes
    /// the new setting and gives the reply that echoes it; anything but a
    /// boolean gets the documented error.
    private func switchSetting(_ payload: JSONValue, named name: String, _ apply: (Bool) -> Event) {
        guard let on = payload.boolValue else {
            send(.error(ErrorInfo(type: name, "\(name): expected true or false")))
            return
        }
        send(apply(on))
    }
}
