/// The debugger commands a user can type, with their names and help.
/// Anything that is not one of them is Python, evaluated in the program.
enum ConsoleCommand: CaseIterable, Sendable {
    case step, next, `return`, until, `continue`, jump
    case watch, unwatch, display, undisplay
    case `break`, temporaryBreak, clear, disable, enable, condition, ignore, commands
    case list, longList, source, up, down, locals, args, returnValue, `where`
    case print, prettyPrint, whatis, interact
    case pause, restart, quit, help
    case threads, thread, `catch`, uncatch, stopAllThreads

    /// What the command does with the text after its name.
    enum Argument {
        /// None: text after the name is an error, as in pdb 3.13
        /// (`n * 2` neither steps nor evaluates; `!n * 2` evaluates).
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
        case .jump: ["j", "jump"]
        // `w` is pdb's `where`, which pdb users type without thinking; the
        // original client's `w` for watch gave way.
        case .watch: ["watch"]
        case .unwatch: ["unw", "unwatch"]
        case .display: ["display"]
        case .undisplay: ["undisplay"]
        case .break: ["b", "break"]
        case .temporaryBreak: ["tbreak"]
        case .clear: ["cl", "clear"]
        case .disable: ["disable"]
        case .enable: ["enable"]
        case .condition: ["condition"]
        case .ignore: ["ignore"]
        case .commands: ["commands"]
        case .list: ["l", "list"]
        case .longList: ["ll", "longlist"]
        case .source: ["source"]
        case .up: ["u", "up"]
        case .down: ["d", "down"]
        case .locals: ["locals"]
        case .args: ["a", "args"]
        case .returnValue: ["rv", "retval"]
        case .where: ["w", "where", "bt"]
        case .print: ["p"]
        case .prettyPrint: ["pp"]
        case .whatis: ["whatis"]
        case .interact: ["interact"]
        case .pause: ["pause"]
        case .restart: ["restart", "run"]
        case .quit: ["q", "quit", "exit"]
        case .help: ["h", "help"]
        case .threads: ["threads"]
        case .thread: ["thread"]
        case .catch: ["catch"]
        case .uncatch: ["uncatch"]
        case .stopAllThreads: ["stop_all_threads"]
        }
    }

    /// Every command name, sorted: what Tab completes at a line's start.
    static let allNames: [String] = allCases.flatMap(\.names).sorted()

    private static let byName: [String: ConsoleCommand] = Dictionary(
        uniqueKeysWithValues: allCases.flatMap { command in command.names.map { ($0, command) } })

    init?(name: String) {
        guard let command = Self.byName[name] else { return nil }
        self = command
    }

    var argument: Argument {
        switch self {
        case .step, .next, .return, .continue, .locals, .args, .returnValue, .where, .longList, .threads:
            .none
        case .watch, .unwatch, .temporaryBreak, .print, .prettyPrint, .thread, .jump, .whatis, .source, .condition,
             .disable, .enable, .ignore:
            .required
        case .until, .break, .clear, .list, .quit, .help, .pause, .catch, .uncatch, .stopAllThreads, .display,
             .undisplay, .commands, .restart, .up, .down:
            .optional
        // pdb's `interact` ignores what follows it.
        case .interact:
            .optional
        }
    }

    /// Whether pdb has it. qdb's own commands (the original's, and
    /// threads) take names pdb leaves to Python, so an assignment to one
    /// (`thread = t`) stays Python; pdb's own follow pdb, which has none.
    var isPdbs: Bool {
        switch self {
        case .watch, .unwatch, .locals, .pause, .threads, .thread, .catch, .uncatch, .stopAllThreads: false
        default: true
        }
    }

    /// Whether an empty line repeats it, as in pdb: moving through the
    /// program and the source, never anything with side effects on data.
    var isRepeatable: Bool {
        switch self {
        case .step, .next, .return, .until, .continue, .up, .down, .list, .longList: true
        default: false
        }
    }

    /// pdb's commands that resume the program, which end a breakpoint's
    /// `commands` list.
    var resumesProgram: Bool {
        switch self {
        case .continue, .step, .next, .return, .until, .jump, .quit: true
        default: false
        }
    }

    /// How the command is written in help and errors: `s(tep)`.
    var usage: String {
        String(synopsis.prefix { $0 != " " })
    }

    /// The first line of its help: how it is written, with its arguments.
    var synopsis: String {
        String(help.prefix { $0 != "\n" })
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
            unt(il) [LINENO]
            Without argument, continue execution until the line with a number
            greater than the current one is reached. With a line number,
            continue execution until a line with a number greater or equal to
            that is reached. In both cases, also stop when the current frame
            returns.
            """
        case .jump:
            """
            j(ump) LINENO
            Set the next line that will be executed. Only available in the
            bottom-most frame. Not all jumps are allowed: it is not possible to
            jump into the middle of a for loop or out of a finally clause.
            """
        case .continue:
            """
            c(ont(inue))
            Continue execution until the next breakpoint is hit. If there are
            no more breakpoints, stop tracing.
            """
        case .watch:
            "watch EXPR\nAdds an expression to the watchlist, shown at every stop to every client."
        case .unwatch:
            """
            unw(atch) EXPR
            Removes an expression from the watchlist if it is already being
            watched, otherwise does nothing.
            """
        case .display:
            """
            display [EXPR]
            Display the value of EXPR if it changed, each time execution stops
            in the current function. Without EXPR, list the current function's
            display expressions.
            """
        case .undisplay:
            """
            undisplay [EXPR]
            Do not display EXPR any more in the current function. Without EXPR,
            clear all the current function's display expressions.
            """
        case .break:
            """
            b(reak) [LOCATION [, CONDITION]]
            Without argument, list all breaks: number, type, disposition,
            whether enabled, where, condition, ignore and hit counts.
            With LOCATION (FILE:LINE, LINE in the current file, or FUNCTION),
            set a break there; the program stops there when CONDITION, a Python
            expression, is true (or always, without one). Breakpoints are
            numbered for the whole session, the same for every client. The
            original form works too:
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
            cl(ear) [FILE:LINE | BPNUMBER [BPNUMBER ...]]
            With a space separated list of breakpoint numbers, clear those
            breakpoints. Without argument, clear all breaks (but first ask
            confirmation). With FILE:LINE (or LINE, or FUNCTION), clear all
            breaks at that line. The original form works too:
            {'file': str, 'line': int, 'temp': bool, 'cond': str, 'func': str}
            """
        case .disable:
            """
            disable BPNUMBER [BPNUMBER ...]
            Disables the breakpoints given as a space separated list of
            breakpoint numbers. A disabled breakpoint cannot stop the program,
            but unlike a cleared one it stays in the list and can be enabled.
            """
        case .enable:
            """
            enable BPNUMBER [BPNUMBER ...]
            Enables the breakpoints given as a space separated list of
            breakpoint numbers.
            """
        case .condition:
            """
            condition BPNUMBER [CONDITION]
            Set a new condition for the breakpoint, an expression which must
            evaluate to true before the breakpoint is honored. Without
            CONDITION, any existing condition is removed.
            """
        case .ignore:
            """
            ignore BPNUMBER [COUNT]
            Set the ignore count for the given breakpoint number (0 without
            COUNT). While non-zero, the count is decremented each time the
            breakpoint is reached, is enabled and its condition is true,
            instead of stopping.
            """
        case .commands:
            """
            commands [BPNUMBER]
            Specify a list of commands for breakpoint BPNUMBER (the last one set,
            without it), on the following lines, ended by a line saying 'end'.
            They run in the tracer when the breakpoint stops the program, for
            every client. A command resuming execution (continue, step, next,
            return, until, jump, quit) ends the list. With 'silent' among them,
            the stop is not shown unless the commands leave the program stopped.
            'commands' followed at once by 'end' removes them.
            """
        case .list:
            """
            l(ist) [FILE] [START [END]] | l(ist) .
            Shows the lines START to END of FILE (the current file by default).
            Without START, shows the lines around the current line, or the next
            ones after a list; with '.', around the current line; with FILE
            alone, the whole file. An END smaller than START is a count of
            lines.
            """
        case .longList:
            "ll | longlist\nList the whole source code for the current function or frame."
        case .source:
            "source EXPR\nTry to get source code for the given object and display it."
        case .up:
            "u(p) [count]\nMove the current frame count (default one) levels up in the stack trace\n(to an older frame)."
        case .down:
            "d(own) [count]\nMove the current frame count (default one) levels down in the stack\ntrace (to a newer frame)."
        case .locals:
            "locals\nReport back the current stackframe's locals."
        case .args:
            "a(rgs)\nPrint the argument list of the current function."
        case .returnValue:
            "retval\nPrint the return value for the last return of a function.\nAlso: rv."
        case .where:
            """
            w(here)
            Print a stack trace, with the most recent frame at the bottom. An
            arrow ('>') indicates the current frame, which determines the context
            of most commands. Also: bt.
            """
        case .print:
            "p EXPR\nEvaluates EXPR in the current frame and prints its value."
        case .prettyPrint:
            "pp EXPR\nLike p, but pretty-prints the value with pprint."
        case .whatis:
            "whatis EXPR\nPrint the type of the argument."
        case .interact:
            """
            interact
            Start an interactive interpreter in the current frame: Python
            statements, blocks ended by an empty line. Ctrl-D returns to the
            debugger. Unlike pdb's, assignments change the frame's variables.
            """
        case .restart:
            """
            run [ARGS...]
            Restart the debugged python program (with qdb-cli run only). If ARGS
            are given, they are split as a shell would and replace the old
            arguments. Breakpoints are set again. "restart" is an alias.
            """
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
            'soft'. Also: exit.
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
