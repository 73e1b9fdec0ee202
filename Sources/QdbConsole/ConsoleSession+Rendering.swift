import QdbClientSession
import QdbProtocol

extension ConsoleSession {
    /// The lines that show `update`; empty when it changes nothing on
    /// screen (a repeated stop, an unchanged watchlist, part of a line of
    /// output).
    mutating func render(_ update: ClientSession.Update) -> [ConsoleLine] {
        switch update {
        case .event(.print(let output), _) where output.isProgramOutput:
            let stream: ProgramOutputBuffer.Stream =
                output.input == .string(PrintOutput.standardError) ? .standardError : .standardOutput
            return programOutput.append(output.output, from: stream)
        case .event(let event, let request):
            return programOutput.flush() + renderDebuggerEvent(event, answering: request)
        case .unsupported(let name, _):
            // Tab asked, not the user: the line editor stops asking; and
            // without stop reasons, return stops show as the original's,
            // and `step` stops at a function's first line.
            guard !["complete", "stop_reasons", "call_stops"].contains(name) else { return [] }
            return [.error(name, "not supported by this tracer (an original qdb tracer?)")]
        case .originalTracer:
            return [ConsoleLine("(an original qdb tracer: breakpoints are set, but not numbered)", .secondary)]
        case .unreadableFrame(let reason):
            return [.error("unreadable message from the server", reason)]
        }
    }

    /// The lines that show `event`, received from the connection; what the
    /// client session would send in answer is dropped. For the tracer's
    /// own terminal and tests, which need no more.
    public mutating func render(_ event: Event) -> [ConsoleLine] {
        handle(.connection(.message(event.message))).flatMap { output -> [ConsoleLine] in
            guard case .show(let lines) = output else { return [] }
            return lines
        }
    }

    /// The program's unfinished line of output, to show before the prompt
    /// or when the session ends.
    public mutating func flush() -> [ConsoleLine] {
        programOutput.flush()
    }

    private mutating func renderDebuggerEvent(_ event: Event, answering request: Command?) -> [ConsoleLine] {
        switch event {
        case .stack(let stack):
            if framesPassed > 0, request == .up || request == .down {
                framesPassed -= 1
                return []
            }
            return renderStack(stack)
        case .watchlist(let entries):
            return renderWatchlist(entries)
        case .print(let output):
            // A breakpoint's commands speak for whoever set them, as in pdb.
            return renderEvaluation(output, isOurs: request != nil || output.breakpoint != nil)
        case .list(let text):
            return renderListing(text, request: request)
        case .error(let error):
            return renderError(error)
        case .returnValue(let value):
            guard var stop = returnStop, stop.awaitsEvent else { return ["--> returning with \(value)"] }
            stop.awaitsEvent = false
            defer { returnStop = stop }
            // Shown with the stack already.
            guard stop.value == nil else { return [] }
            stop.value = value
            return ["--Return--"] + frameLines(stop.frame, selected: true, returning: value)
        case .exception(let exception):
            return renderException(exception)
        case .breakpoints(let breakpoints):
            repeatedStop = .hideAttachReply
            return renderBreakpoints(breakpoints)
        case .locals(let locals):
            return ["locals: ["] + locals.members.map { "  > \($0.key): \($0.value.pythonRepr)" } + ["]"]
        case .disable:
            return ["Disabled, goodbye."]
        case .disabled, .stopReasons, .callStops, .running, .variables:
            return []
        case .threads(let threads):
            return renderThreads(threads)
        case .catches(let names):
            let caught = names.map { $0 == Event.anyException ? "any exception" : $0 }
            return [ConsoleLine("catching: " + (caught.isEmpty ? "nothing" : caught.joined(separator: ", ")))]
        case .stopAllThreads(let on):
            return [ConsoleLine("stop_all_threads: \(on ? "on" : "off")")]
        case .breaks(let breakpoints):
            return renderNumberedBreakpoints(breakpoints)
        case .breakChanged(let change):
            return [ConsoleLine(Self.pdbText(of: change))].filter { !$0.plainText.isEmpty }
        case .args(let arguments):
            return arguments.map { ConsoleLine("\($0.name) = \($0.value)") }
        case .retval(let text), .whatis(let text):
            return ConsoleLine.lines(of: text)
        case .source(let source):
            // `ll` (a request with no expression) marks breakpoints and the
            // current line; `source EXPR` marks nothing, as in pdb.
            guard request == .source(.null) else {
                return numberedLines(source.lines, from: source.firstLine, file: source.file, current: nil, marksBreakpoints: false)
            }
            let current = stack?.selectedFrame.flatMap { $0.file == source.file ? $0.line : nil }
            return numberedLines(source.lines, from: source.firstLine, file: source.file, current: current)
        case .display(let display):
            return renderDisplay(display, request: request)
        case .completions:
            return []
        case .other(let message):
            return [.error("unexpected message", message.serialized())]
        }
    }

    private mutating func renderStack(_ stack: Stack) -> [ConsoleLine] {
        if stack != cursorStack {
            listCursor = nil
            cursorStack = stack
        }
        defer { repeatedStop = .hide }
        guard stack != shownStack || repeatedStop == .show, let frame = stack.selectedFrame else { return [] }
        guard !stack.isSilent else {
            // pdb prints nothing at a `silent` breakpoint's stop.
            shownStack = stack
            return []
        }
        // A stop in another thread than the last one shown says which.
        let header = stack.thread.flatMap { thread in
            thread != shownStack?.thread ? [threadLine(thread)] : nil
        } ?? []
        shownStack = stack
        if let stop = stack.stop {
            returnStop = stop.kind == .return ? ReturnStop(frame: frame, value: stop.value) : nil
        }
        // A return stop without its value waits for the `return` event.
        if let returnStop, returnStop.value == nil {
            return header
        }
        let announcement: [ConsoleLine] = switch stack.stop?.kind {
        case .call?: ["--Call--"]
        case .return?: ["--Return--"]
        default: []
        }
        return header + announcement + frameLines(frame, selected: true, returning: returnedValue(of: frame))
    }

    func returnedValue(of frame: StackFrame) -> String? {
        returnStop.flatMap { $0.frame == frame ? $0.value : nil }
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

    /// `> file(line)func()` and `-> code`, exactly as pdb shows a frame,
    /// because Emacs's gud, python.el's pdbtrack and other pdb-aware tools
    /// follow the source by that line; other frames of `where` are
    /// indented instead of marked. At a return stop the first line ends
    /// with what the frame returns, as in pdb.
    func frameLines(_ frame: StackFrame, selected: Bool, returning value: String? = nil) -> [ConsoleLine] {
        [
            ConsoleLine([
                .init(selected ? "> " : "  ", .marker),
                .init("\(frame.file)(\(frame.line))", .location),
                .init("\(frame.function)()" + (value.map { "->" + $0 } ?? ""), .secondary),
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
    private func renderEvaluation(_ output: PrintOutput, isOurs: Bool) -> [ConsoleLine] {
        var lines: [ConsoleLine] = []
        if !isOurs {
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
    /// current line marked. The tracer joins the lines with newlines, so a
    /// last empty line is one of them; pdb says `[EOF]` when the file ends
    /// before the range.
    private func renderListing(_ text: String, request: Command?) -> [ConsoleLine] {
        guard case .list(let payload) = request, let listing = Listing(payload: payload) else {
            return ConsoleLine.lines(of: text)
        }
        let lines = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let current = stack?.selectedFrame.flatMap { $0.file == listing.file ? $0.line : nil }
        let numbered = numberedLines(lines, from: listing.first ?? 1, file: listing.file, current: current)
        guard let first = listing.first, let last = listing.last, lines.count < last - first + 1 else { return numbered }
        return numbered + ["[EOF]"]
    }

    /// Source lines as pdb lists them: the number, `B` on a breakpoint's
    /// line, `->` on the current one, a tab, the line.
    func numberedLines(
        _ lines: [String], from first: Int, file: String, current: Int?, marksBreakpoints: Bool = true
    ) -> [ConsoleLine] {
        let breakpointLines = marksBreakpoints
            ? Set(knownBreakpoints.filter { $0.location.file == file }.map(\.location.line)) : []
        return lines.enumerated().map { offset, line in
            let number = first + offset
            let label = String(number)
            let paddedLabel = String(repeating: " ", count: max(0, 3 - label.count)) + label
            return ConsoleLine([
                .init(paddedLabel.padding(to: 4), .secondary),
                .init(breakpointLines.contains(number) ? "B" : " ", .marker),
                .init(number == current ? "->" : "", .marker),
                .init("\t" + line.trimmingTrailingWhitespace()),
            ])
        }
    }

    private func renderError(_ error: ErrorInfo) -> [ConsoleLine] {
        if error.type == "condition", let failure = ConditionFailure(json: error.data) {
            return [.error("condition", "\(failure.condition) (line \(failure.line)): \(failure.output)")]
        }
        let text = error.data.stringValue ?? error.data.serialized()
        if error.type == "add_break" && text == ErrorInfo.endOfFile {
            // pdb says it as a message, not an error.
            return [ConsoleLine(text)]
        }
        if Self.pdbErrorTypes.contains(error.type) {
            return ConsoleLine.lines(of: "*** " + text, .error)
        }
        return [.error(error.type, text)]
    }

    /// The errors of pdb's commands, shown as pdb shows them.
    private static let pdbErrorTypes: Set<String> = [
        "add_break", "delete_break", "update_break", "args", "retval", "whatis", "source", "display", "undisplay",
        "jump", "until", "commands",
    ]

    /// What pdb says when it changes a breakpoint.
    static func pdbText(of change: BreakpointChangeInfo) -> String {
        let breakpoint = change.breakpoint
        let number = breakpoint.number
        let place = "breakpoint \(number) at \(breakpoint.location.file):\(breakpoint.location.line)"
        switch change.action {
        case .set: return "B" + place.dropFirst()
        case .deleted: return "Deleted " + place
        case .enabled: return "Enabled " + place
        case .disabled: return "Disabled " + place
        case .condition:
            return breakpoint.location.condition == nil
                ? "Breakpoint \(number) is now unconditional." : "New condition set for breakpoint \(number)."
        case .ignore:
            switch breakpoint.ignoreCount {
            case 0: return "Will stop next time breakpoint \(number) is reached."
            case 1: return "Will ignore next 1 crossing of breakpoint \(number)."
            case let count: return "Will ignore next \(count) crossings of breakpoint \(number)."
            }
        case .commands: return ""
        }
    }

    /// pdb's `b` with no argument (bdb's `bpformat`).
    private func renderNumberedBreakpoints(_ breakpoints: [NumberedBreakpoint]) -> [ConsoleLine] {
        guard !breakpoints.isEmpty else { return [] }
        var lines: [ConsoleLine] = ["Num Type         Disp Enb   Where"]
        for breakpoint in breakpoints {
            let number = String(breakpoint.number)
            let disposition = (breakpoint.location.temporary == true ? "del  " : "keep ")
                + (breakpoint.isEnabled ? "yes  " : "no   ")
            lines.append(ConsoleLine(
                number.padding(to: 4) + "breakpoint   " + disposition
                    + " at \(breakpoint.location.file):\(breakpoint.location.line)"))
            if let condition = breakpoint.location.condition {
                lines.append(ConsoleLine("\tstop only if \(condition)"))
            }
            if breakpoint.ignoreCount > 0 {
                lines.append(ConsoleLine("\tignore next \(breakpoint.ignoreCount) hits"))
            }
            if breakpoint.hits > 0 {
                let plural = breakpoint.hits > 1 ? "s" : ""
                lines.append(ConsoleLine("\tbreakpoint already hit \(breakpoint.hits) time\(plural)"))
            }
        }
        return lines
    }

    private func renderDisplay(_ display: DisplayInfo, request: Command?) -> [ConsoleLine] {
        if display.changedOnly {
            return display.entries.map { ConsoleLine("display \($0.name): \($0.value)  [old: \($0.old ?? "")]") }
        }
        if case .display(.string) = request {
            return display.entries.map { ConsoleLine("display \($0.name): \($0.value)") }
        }
        guard !display.entries.isEmpty else { return ["No expression is being displayed"] }
        return ["Currently displaying:"] + display.entries.map { ConsoleLine("\($0.name): \($0.value)") }
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
