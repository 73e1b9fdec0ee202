/// pdb's breakpoint `commands`, as the tracer runs them when their
/// breakpoint stops the program: console lines, with `silent` meaning the
/// stop is not shown unless the commands leave the program stopped.
struct BreakpointCommands: Equatable {
    let number: Int
    /// The lines to run, `silent` left out.
    let lines: [String]
    let isSilent: Bool

    /// The commands of the breakpoint that made the stop; nil when there
    /// are none.
    init?(_ stop: BreakpointStop?) {
        guard let stop, !stop.commands.isEmpty else { return nil }
        number = stop.number
        lines = stop.commands.filter { $0 != "silent" }
        isSilent = stop.commands.contains("silent")
    }
}
