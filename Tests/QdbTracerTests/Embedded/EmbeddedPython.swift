import CPython
import Foundation
import QdbProtocol
@testable import QdbTracer

/// One CPython interpreter for the whole test process (CPython cannot be
/// re-initialised cleanly), with `_qdb` built in and the repository's
/// python/ folder on sys.path. Tests take the GIL through `withGIL`.
enum EmbeddedPython {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private static let initialized: Bool = {
        PyImport_AppendInittab(strdup("_qdb")) { QdbModule.create() }
        Py_InitializeEx(0)
        let path = PythonObject(borrowing: PySys_GetObject("path")!)
        _ = try? path.callMethod("insert", PythonObject(0), PythonObject(repository.appendingPathComponent("python").path))
        // Give the GIL up: every test takes it when it needs it.
        _ = PyEval_SaveThread()
        return true
    }()

    static func withGIL<T>(_ body: () throws -> T) rethrows -> T {
        precondition(initialized)
        let state = PyGILState_Ensure()
        defer { PyGILState_Release(state) }
        return try body()
    }
}

/// A channel that replays a script of commands, one per request, and
/// records what the tracer sends. When the script runs out it reports the
/// channel lost, so the program runs on untraced.
final class ScriptedChannel: CommandChannel {
    private var script: [ScriptStep]
    private(set) var sent: [Message] = []
    /// Messages sent before each command was taken, so tests can look at
    /// the replies to one command.
    private(set) var repliesByStep: [[Message]] = []

    enum ScriptStep {
        /// A message as JSON text; `$PROGRAM` stands for the program's path.
        case send(String)
        /// Run arbitrary Swift (with the GIL released) before the next
        /// command: used to change files or pause from another thread.
        case perform(() -> Void)
    }

    private let programPath: String

    init(_ script: [ScriptStep], programPath: String) {
        self.script = script
        self.programPath = programPath
    }

    var forwardsProgramOutput: Bool { true }

    func send(_ message: Message) {
        sent.append(message)
    }

    func nextInput() -> ChannelInput {
        while let step = script.first {
            script.removeFirst()
            switch step {
            case .send(let text):
                repliesByStep.append(sent)
                return .command(try! Message(text: text.replacingOccurrences(of: "$PROGRAM", with: programPath)))
            case .perform(let action):
                action()
            }
        }
        return .lost
    }

    func handleWaiting(_ handle: (Message) -> Bool) {}
    func close(waitingForReader: Bool) {}
    func abandonAfterFork() {}

    var remainingSteps: Int { script.count }
}

/// Runs a Python program under a tracer session driven by a script.
struct DebugRun {
    var events: [Message]
    /// The exception class that escaped the program, if any.
    var escaped: String?
    var channel: ScriptedChannel

    /// The events of one kind, in order.
    func all(_ name: String) -> [JSONValue] {
        events.filter { $0.name == name }.map(\.payload)
    }

    /// The stacks' selected frames as "function:line".
    var stops: [String] {
        all("stack").compactMap { Stack(json: $0)?.selectedFrame }.map { "\($0.function):\($0.line)" }
    }
}

enum Debugging {
    /// Writes `source` to a file, runs it as `__main__` under a session
    /// whose commands come from `commands` (message texts such as
    /// `{"e":"step"}` or shorthand event names like "step"), starting
    /// with a stop at its first line.
    static func run(
        _ source: String, commands: [ScriptedChannel.ScriptStep], configure: (inout SessionOptions) -> Void = { _ in }
    ) throws -> DebugRun {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qdb-tracer-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let program = directory.appendingPathComponent("program.py").path
        let driver = directory.appendingPathComponent("driver.py").path
        try source.write(toFile: program, atomically: true, encoding: .utf8)
        try """
            import sys
            import _qdb
            escaped = None
            try:
                with open(\(pythonString(program))) as f:
                    code = compile(f.read(), \(pythonString(program)), 'exec')
                _qdb.set_trace(sys._getframe(), True)
                exec(code, {'__name__': '__main__'})
            except BaseException as error:
                escaped = type(error).__name__
            finally:
                sys.settrace(None)
            """.write(toFile: driver, atomically: true, encoding: .utf8)

        let channel = ScriptedChannel(commands, programPath: program)
        return EmbeddedPython.withGIL {
            var options = SessionOptions()
            options.skipRule.directories = [driver]
            configure(&options)
            let session = TracerSession(options: options, channel: channel)
            TracerSession.active = session
            let globals = PythonObject.dictionary()
            try? globals.setItem("__builtins__", PythonObject.importModule("builtins"))
            let code = try? PythonObject.builtin("compile").call(
                PythonObject(try! String(contentsOfFile: driver, encoding: .utf8)), PythonObject(driver),
                PythonObject("exec"))
            do throws(PythonError) {
                _ = try PythonObject.builtin("exec").call(code ?? .none, globals)
            } catch {
                error.restore()
                PyErr_Print()
            }
            session.disable(.soft, notifyingServer: false)
            return DebugRun(events: channel.sent, escaped: globals.item("escaped")?.stringValue, channel: channel)
        }
    }

    static func pythonString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}

extension ScriptedChannel.ScriptStep: ExpressibleByStringLiteral {
    /// "step", or a whole message as JSON text.
    init(stringLiteral text: String) {
        self = .send(text.hasPrefix("{") ? text : Message(text).serialized())
    }
}
