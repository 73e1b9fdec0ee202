/// The debugger commands a user can type, with their names and help.
/// Anything that is not one of them is Python, evaluated in the program.
enum ConsoleCommand: CaseIterable, Sendable {
    case step, next, `return`, until, `continue`
    case watch, unwatch
    case `break`, temporaryBreak, clear
    case list, up, down, locals, `where`
    case print, prettyPrint
    case pause, quit, help
    case threads, thread, `catch`, uncatch, stopAllThreads

    /// What the command does with the text after its name.
    enum Argument {
        /// None: text after the name makes the whole line Python
        /// (`n * 2` evaluates, it does not step).
        case none
        case optional
        case required
    }

    /// Every name the command answers to, short form first.
    var names: [String] {
        switch self {
        case .step: ["s", "step"]
        case .next: ["n", "next"]
        case .return: ["r", "return"]
        case .until: ["unt", "until"]
        case .continue: ["c", "cont", "continue"]
        case .watch: ["w", "watch"]
        case .unwatch: ["unw", "unwatch"]
        case .break: ["b", "break"]
        case .temporaryBreak: ["tbreak"]
        case .clear: ["cl", "clear"]
        case .list: ["l", "list"]
        case .up: ["u", "up"]
        case .down: ["d", "down"]
        case .locals: ["locals"]
        case .where: ["bt", "where"]
        case .print: ["p"]
        case .prettyPrint: ["pp"]
        case .pause: ["pause"]
        case .quit: ["q", "quit"]
        case .help: ["h", "help"]
        case .threads: ["threads"]
        case .thread: ["thread"]
        case .catch: ["catch"]
        case .uncatch: ["uncatch"]
        case .stopAllThreads: ["stop_all_threads"]
        }
    }

    private static let byName: [String: ConsoleCommand] = Dictionary(
        uniqueKeysWithValues: allCases.flatMap { command in command.names.map { ($0, command) } })

    init?(name: String) {
        guard let command = Self.byName[name] else { return nil }
        self = command
    }

    var argument: Argument {
        switch self {
        case .step, .next, .return, .until, .continue, .up, .down, .locals, .where, .threads: .none
        case .watch, .unwatch, .break, .temporaryBreak, .clear, .print, .prettyPrint, .thread: .required
        case .list, .quit, .help, .pause, .catch, .uncatch, .stopAllThreads: .optional
        }
    }

    /// Whether an empty line repeats it, as in pdb: moving through the
    /// program and the source, never anything with side effects on data.
    var isRepeatable: Bool {
        switch self {
        case .step, .next, .return, .until, .continue, .up, .down, .list: true
        default: false
        }
    }

    /// How the command is written in help and errors: `s(tep)`.
    var usage: String {
        String(help.prefix { $0 != "\n" }.prefix { $0 != " " })
    }

    /// The help text; the original's where it had one.
    var help: String {
        switch self {
        case .step:
            "s(tep)\nExecute the next line, function call, or return."
        case .next:
            "n(ext)\nExecute up to the next line in the current frame."
        case .return:
            "r(eturn)\nExecute until the return event for the current stackframe."
        case .until:
            """
            unt(il)
            Execute until the line greater than the current is hit or until
            you return from the current frame.
            """
        case .continue:
            """
            c(ontinue)
            Continue execution until the next breakpoint is hit. If there are
            no more breakpoints, stop tracing.
            """
        case .watch:
            "w(atch) EXPR\nAdds an expression to the watchlist."
        case .unwatch:
            """
            unw(atch) EXPR
            Removes an expression from the watchlist if it is already being
            watched, otherwise does nothing.
            """
        case .break:
            """
            b(reak) LOCATION [, CONDITION]
            Adds a breakpoint. LOCATION is FILE:LINE, LINE (in the current file)
            or FUNCTION; the program stops there when CONDITION, a Python
            expression, is true (or always, without one). The original form
            works too:
            b(reak) {'file': str, 'line': int, 'temp': bool, 'cond': str, 'func': str}
            """
        case .temporaryBreak:
            """
            tbreak LOCATION [, CONDITION]
            Same as break, but with 'temp' defaulted to True: the breakpoint is
            removed when it is first hit.
            """
        case .clear:
            """
            cl(ear) LOCATION
            Removes the breakpoint at LOCATION (FILE:LINE, LINE or FUNCTION), or
            with the form:
            {'file': str, 'line': int, 'temp': bool, 'cond': str, 'func': str}
            Only 'file' and 'line' are needed.
            """
        case .list:
            """
            l(ist) [FILE] [START [END]]
            Shows the lines START to END of FILE (the current file by default).
            Without START, shows the lines around the current line, or the next
            ones after a list; with FILE alone, the whole file. An END smaller
            than START is a count of lines.
            """
        case .up:
            "u(p)\nSteps up a stackframe if possible."
        case .down:
            "d(own)\nSteps down a stackframe if possible."
        case .locals:
            "locals\nReport back the current stackframe's locals."
        case .where:
            "where\nPrints the stack, newest frame last; '>' marks the current frame.\nAlso: bt."
        case .print:
            "p EXPR\nEvaluates EXPR in the current frame and prints its value."
        case .prettyPrint:
            "pp EXPR\nLike p, but pretty-prints the value with pprint."
        case .pause:
            """
            pause [THREAD]
            Pauses execution, stopping at the next allowed event: in the main
            thread, or in THREAD (a number from 'threads'). Ctrl-C at the prompt
            pauses the main thread.
            """
        case .quit:
            """
            q(uit) [MODE]
            Stops the debugging session with the given mode, defaulting to
            'soft'.
            """
        case .help:
            """
            help [COMMAND]
            Without COMMAND, help prints all available commands.
            With COMMAND, help prints the help string for the given command.
            """
        case .threads:
            """
            threads
            Lists the program's threads: number, name, state and where each one
            is in your code. '*' marks the thread the commands act on.
            """
        case .thread:
            """
            thread THREAD
            Makes the stopped thread THREAD (a number from 'threads') the one the
            following commands act on, and shows where it stopped.
            """
        case .catch:
            """
            catch [EXCEPTION]
            Stops wherever your code raises EXCEPTION (a class name, matching
            subclasses too), even if something catches it later. Without
            EXCEPTION, stops at any exception but StopIteration,
            StopAsyncIteration and GeneratorExit.
            """
        case .uncatch:
            """
            uncatch [EXCEPTION]
            Stops catching EXCEPTION, or without it, every exception.
            """
        case .stopAllThreads:
            """
            stop_all_threads [on|off]
            With on, when a thread stops every other thread stops at its next
            line, and they all resume together. Off (the default) lets the
            other threads run. Without an argument, shows the setting.
            """
        }
    }

    /// What `help` alone prints.
    static var overview: [String] {
        var lines = ["Commands (type help COMMAND or COMMAND? for more):"]
        var line = ""
        for usage in allCases.map(\.usage) + ["!STMT"] {
            if line.count + usage.count > 70 {
                lines.append(line)
                line = ""
            }
            line += "  " + usage
        }
        lines.append(line)
        lines.append("Any other line, or a line starting with '!', is run as Python in the")
        lines.append("current frame. An empty line repeats the last step, frame or list")
        lines.append("command. Ctrl-C pauses the program; Ctrl-D quits (soft).")
        return lines
    }
}
