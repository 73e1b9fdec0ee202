import QdbProtocol

extension ConsoleSession {
    /// The lines that show `event`; empty when it changes nothing on screen
    /// (a repeated stop, an unchanged watchlist, part of a line of output).
    public mutating func render(_ event: Event) -> [ConsoleLine] {
        if case .print(let output) = event, output.isProgramOutput {
            let stream: ProgramOutputBuffer.Stream =
                output.input == .string(PrintOutput.standardError) ? .standardError : .standardOutput
            return programOutput.append(output.output, from: stream)
        }
        return programOutput.flush() + renderDebuggerEvent(event)
    }

    /// The program's unfinished line of output, to show before the prompt
    /// or when the session ends.
    public mutating func flush() -> [ConsoleLine] {
        programOutput.flush()
    }

    private mutating func renderDebuggerEvent(_ event: Event) -> [ConsoleLine] {
        switch event {
        case .stack(let stack):
            return renderStack(stack)
        case .watchlist(let entries):
            return renderWatchlist(entries)
        case .print(let output):
            return renderEvaluation(output)
        case .list(let text):
            return renderListing(text)
        case .error(let error):
            return renderError(error)
        case .returnValue(let value):
            return ["--> returning with \(value)"]
        case .exception(let exception):
            return renderException(exception)
        case .breakpoints(let breakpoints):
            repeatedStop = .hideAttachReply
            return renderBreakpoints(breakpoints)
        case .locals(let locals):
            return ["locals: ["] + locals.members.map { "  > \($0.key): \($0.value.pythonRepr)" } + ["]"]
        case .disable:
            return ["Disabled, goodbye."]
        case .disabled:
            return []
        case .threads(let threads):
            return renderThreads(threads)
        case .catches(let names):
            let caught = names.map { $0 == Event.anyException ? "any exception" : $0 }
            return [ConsoleLine("catching: " + (caught.isEmpty ? "nothing" : caught.joined(separator: ", ")))]
        case .stopAllThreads(let on):
            return [ConsoleLine("stop_all_threads: \(on ? "on" : "off")")]
        case .other(let message):
            return [.error("unexpected message", message.serialized())]
        }
    }

    private mutating func renderStack(_ stack: Stack) -> [ConsoleLine] {
        if stack != self.stack {
            listCursor = nil
        }
        self.stack = stack
        defer { repeatedStop = .hide }
        guard stack != shownStack || repeatedStop == .show, let frame = stack.selectedFrame else { return [] }
        // A stop in another thread than the last one shown says which.
        let header = stack.thread.flatMap { thread in
            thread != shownStack?.thread ? [threadLine(thread)] : nil
        } ?? []
        shownStack = stack
        return header + frameLines(frame, selected: true)
    }

    func threadLine(_ thread: ThreadInfo) -> ConsoleLine {
        ConsoleLine("[thread \(thread.id) \(thread.name)]", .heading)
    }

    /// `threads`: a line each, `*` on the one commands act on.
    private func renderThreads(_ threads: [ThreadSummary]) -> [ConsoleLine] {
        let nameWidth = threads.map(\.thread.name.count).max() ?? 0
        let padded = { (text: String, width: Int) in text + String(repeating: " ", count: max(0, width - text.count)) }
        return threads.map { summary in
            let marker = summary.state == .selected ? "* " : "  "
            let number = String(summary.thread.id)
            var runs: [ConsoleLine.Run] = [
                .init(marker, .marker), .init(padded(number, 4)),
                .init("\(padded(summary.thread.name, nameWidth))  \(padded(summary.state.rawValue, 8))  ", .secondary),
            ]
            if let frame = summary.frame {
                runs += [.init("\(frame.file):\(frame.line)", .location), .init(" in \(frame.function)", .secondary)]
            }
            return ConsoleLine(runs)
        }
    }

    /// `> file:line in func` and `-> code`, as pdb shows a frame; other
    /// frames of `where` are indented instead of marked.
    func frameLines(_ frame: StackFrame, selected: Bool) -> [ConsoleLine] {
        [
            ConsoleLine([
                .init(selected ? "> " : "  ", .marker),
                .init("\(frame.file):\(frame.line)", .location),
                .init(" in \(frame.function)", .secondary),
            ]),
            ConsoleLine([.init("-> ", .marker), .init(frame.code.trimmingWhitespace())]),
        ]
    }

    private mutating func renderWatchlist(_ entries: [WatchEntry]) -> [ConsoleLine] {
        guard entries != shownWatchlist else { return [] }
        shownWatchlist = entries
        let lines = entries.map { entry in
            if entry.exception != nil {
                let error = entry.value.stringValue ?? entry.value.pythonRepr
                return ConsoleLine("  > *** error: \(entry.expression): \(error)", .error)
            }
            return ConsoleLine("  > \(entry.expression): \(entry.value.pythonRepr)")
        }
        return [ConsoleLine("watchlist: [", .heading)] + lines + [ConsoleLine("]", .heading)]
    }

    /// An eval or pprint result. Ours shows just the output, as pdb does;
    /// another client's shows what was evaluated first.
    private mutating func renderEvaluation(_ output: PrintOutput) -> [ConsoleLine] {
        var lines: [ConsoleLine] = []
        if !pendingEvaluations.popFirst(if: output.input) {
            lines.append(ConsoleLine(">>> \(output.input.stringValue ?? output.input.serialized())", .secondary))
        }
        if output.exception.isNull {
            lines += output.output.isEmpty ? [] : ConsoleLine.lines(of: output.output)
        } else {
            lines += ConsoleLine.lines(of: "*** " + output.output, .error)
        }
        return lines
    }

    /// Numbered when we asked for it (the reply holds only text), with the
    /// current line marked.
    private mutating func renderListing(_ text: String) -> [ConsoleLine] {
        let lines = ConsoleLine.lines(of: text).map(\.plainText)
        guard let listing = pendingListings.popFirst() else { return lines.map { ConsoleLine($0) } }
        let first = listing.first ?? 1
        let current = stack?.selectedFrame.flatMap { $0.file == listing.file ? $0.line : nil }
        return lines.enumerated().map { offset, line in
            let number = first + offset
            let label = String(number)
            return ConsoleLine([
                .init(String(repeating: " ", count: max(0, 4 - label.count)) + label, .secondary),
                number == current ? .init(" -> ", .marker) : .init("    "),
                .init(line),
            ])
        }
    }

    private mutating func renderError(_ error: ErrorInfo) -> [ConsoleLine] {
        if error.type == "list" {
            _ = pendingListings.popFirst()
        }
        if error.type == "condition", let failure = ConditionFailure(json: error.data) {
            return [.error("condition", "\(failure.condition) (line \(failure.line)): \(failure.output)")]
        }
        if error.type == "event", let name = Self.unsupportedExtension(error.data.stringValue) {
            return [.error(name, "this tracer does not support it (an original qdb tracer?)")]
        }
        return [.error(error.type, error.data.stringValue ?? error.data.serialized())]
    }

    /// The extension command an original tracer refused ("Command X does
    /// not exist").
    private static func unsupportedExtension(_ text: String?) -> String? {
        guard let text, text.hasPrefix("Command "), text.hasSuffix(" does not exist") else { return nil }
        let name = String(text.dropFirst("Command ".count).dropLast(" does not exist".count))
        return Command.extensionNames.contains(name) ? name : nil
    }

    private func renderException(_ exception: ExceptionInfo) -> [ConsoleLine] {
        let summary = exception.value.isEmpty ? exception.type : "\(exception.type): \(exception.value)"
        var lines = [ConsoleLine("--* \(summary)", .error)]
        if !exception.traceback.isEmpty {
            lines.append("Traceback (most recent call last):")
            lines += exception.traceback.flatMap { ConsoleLine.lines(of: $0) }
        }
        return lines
    }

    private func renderBreakpoints(_ breakpoints: [BreakpointInfo]) -> [ConsoleLine] {
        guard !breakpoints.isEmpty else { return [] }
        let lines = breakpoints.map { breakpoint in
            var text = "  > \(breakpoint.file):\(breakpoint.line)"
            if breakpoint.temporary == true { text += " temp" }
            if let condition = breakpoint.condition { text += " if \(condition)" }
            if let function = breakpoint.function { text += " in \(function)" }
            return ConsoleLine(text)
        }
        return [ConsoleLine("breakpoints: [", .heading)] + lines + [ConsoleLine("]", .heading)]
    }
}
