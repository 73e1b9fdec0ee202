import Foundation
import QdbProtocol
import QdbTestSupport
import Testing

/// The tracer through the real binaries: qdb-server, qdb-python (and the
/// `_qdb` extension under python3), and a client speaking the raw
/// protocol.
@Suite struct TracerEndToEndTests {
    /// The seed README's walkthrough, with the example's port replaced by
    /// the test server's.
    func walkthrough(interpreter: @escaping (_ directory: String) throws -> [String]) throws {
        let session = try TracerSession("") { directory, port, _ in
            let example = try String(contentsOfFile: Executables.packageRoot + "/examples/qdb_test.py", encoding: .utf8)
            try example.replacingOccurrences(of: "port=8001", with: "port=\(port)")
                .write(toFile: directory + "/qdb_test.py", atomically: true, encoding: .utf8)
            return try interpreter(directory) + ["qdb_test.py"]
        }
        let attached = try session.attach(as: "qdb")
        #expect(TracerSession.location(attached.last) == "main:16")
        #expect(try session.stop(after: "next").0 == "main:17")
        let (printed, hello) = try session.stop(after: "next")
        #expect(printed == "main:18")
        #expect(TracerSession.programOutput(hello) == "Hello world!\n")
        #expect(try session.stop(after: "step").0 == "f:5")
        #expect(try session.stop(after: "next").0 == "f:6")
        try session.send("eval", "in_f")
        let evaluated = try session.receive(through: "print")
        #expect(evaluated.last.flatMap { PrintOutput(json: $0.payload) } == .evaluation(input: "in_f", exception: nil, output: "True"))
        try session.send("continue")
        let rest = try session.receiveUntilEnd()
        #expect(TracerSession.programOutput(rest) == "{}\n")
        #expect(rest.last == Message("disable", .null))
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    @Test func theSeedWalkthroughUnderQdbPython() throws {
        try walkthrough { _ in [try Executables.path(of: "qdb-python")] }
    }

    @Test func theSeedWalkthroughUnderPlainPythonWithTheExtension() throws {
        let extensionModule = try #require(
            Executables.extensionModule, "build the _qdb extension first: make extension")
        try walkthrough { directory in
            let site = try Executables.installedPackage(extensionModule, in: directory)
            return ["/usr/bin/env", "PYTHONPATH=\(site)", try Executables.python()]
        }
    }

    @Test func qdbPythonLoadsCExtensionModulesQuietly() throws {
        let modules = ["_asyncio", "_contextvars", "_ctypes", "_decimal", "_sqlite3", "_ssl", "_lzma", "_bz2", "readline"]
        let program = try ChildProcess(
            try Executables.path(of: "qdb-python"),
            ["-c", "import " + modules.joined(separator: ", ") + "; print('loaded')"])
        #expect(program.waitForExit(timeout: 20) == 0)
        #expect(program.standardOutput == "loaded\n")
        #expect(program.standardError == "")
    }

    @Test func theRunnerStopsAtTheFirstLineAndStepsThroughTheProgram() throws {
        let session = try TracerSession(SamplePrograms.nestedCalls)
        let attached = try session.attach()
        #expect(attached.map(\.name) == ["watchlist", "stack", "breakpoints", "watchlist", "stack"])
        #expect(TracerSession.location(attached.last) == "<module>:1")
        var stops: [String] = []
        for command in ["next", "next", "next", "step", "step", "step", "return", "next"] {
            stops.append(try session.stop(after: command).0)
        }
        #expect(stops == ["<module>:6", "<module>:12", "<module>:13", "outer:7", "outer:8", "add:2", "add:3", "outer:9"])
        try session.send("locals")
        let locals = try session.receive(through: "locals").last?.payload.objectValue
        #expect(locals?["doubled"] == 2)
        #expect(locals?["result"] == 3)
        try session.send("disable", "soft")
        #expect(try session.receiveUntilEnd().last == Message("disable", .null))
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    @Test func commandsGivenWithDashCRunBeforeAnyClient() throws {
        let session = try TracerSession(SamplePrograms.nestedCalls) { directory, port, uuid in
            [try Executables.path(of: "qdb-python"), "-m", "qdb", "--port", String(port), "--uuid", uuid,
             "-c", "break program.py:8", "-c", "continue", "program.py"]
        }
        let attached = try session.attach()
        #expect(TracerSession.location(attached.last) == "outer:8")
        let breakpoints = attached.first { $0.name == "breakpoints" }?.payload.arrayValue
        #expect(breakpoints?.first?["line"] == 8)
    }

    /// `python -m qdb --post-mortem` under qdb-python.
    func postMortemSession(_ source: String) throws -> TracerSession {
        try TracerSession(source) { _, port, uuid in
            [try Executables.path(of: "qdb-python"), "-m", "qdb", "--post-mortem", "--host", "127.0.0.1",
             "--port", String(port), "--uuid", uuid, "program.py"]
        }
    }

    @Test func anUncaughtExceptionStopsWhereItWasRaisedAndThenEndsAsPythonWould() throws {
        let session = try postMortemSession(
            try String(contentsOfFile: Executables.packageRoot + "/Tests/EndToEndTests/ClientFixtures/crash.py", encoding: .utf8))
        try session.attach()
        #expect(try session.stop(after: "continue").0 == "divide:2")
        let exception = try session.receive(through: "exception").last
        #expect(ExceptionInfo(json: exception?.payload ?? .null)?.type == "ZeroDivisionError")
        #expect(try session.stop(after: "up").0 == "main:7")
        try session.send("eval", "values")
        let printed = try session.receive(through: "print").last.flatMap { PrintOutput(json: $0.payload) }
        #expect(printed?.output == "[1, 0]")
        try session.send("continue")
        let errors = TracerSession.programOutput(try session.receiveUntilEnd(), stream: PrintOutput.standardError)
        #expect(errors.hasPrefix("Traceback (most recent call last):\n"))
        #expect(errors.hasSuffix("ZeroDivisionError: division by zero\n"))
        #expect(session.program.waitForExit(timeout: 20) == 1)
    }

    @Test func anUncaughtExceptionInAThreadStopsThereAndTheProgramGoesOn() throws {
        let session = try postMortemSession("""
            import threading


            def work():
                raise ValueError('in the worker')


            worker = threading.Thread(target=work, name='worker-1')
            worker.start()
            worker.join()
            print('main done')
            """)
        try session.attach()
        #expect(try session.stop(after: "continue").0 == "work:5")
        try session.send("continue")
        let messages = try session.receiveUntilEnd()
        let errors = TracerSession.programOutput(messages, stream: PrintOutput.standardError)
        #expect(errors.contains("Exception in thread worker-1"))
        #expect(errors.hasSuffix("ValueError: in the worker\n"))
        #expect(TracerSession.programOutput(messages) == "main done\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    @Test func aPlainExitIsNoPostMortem() throws {
        let session = try postMortemSession("import sys\nsys.exit(3)\n")
        try session.attach()
        try session.send("continue")
        #expect(!(try session.receiveUntilEnd()).contains { $0.name == "stack" })
        #expect(session.program.waitForExit(timeout: 20) == 3)
    }

    /// A breakpoint in an asyncio task stops, and `next` over an `await`
    /// stays in the coroutine (the event loop is library code), even while
    /// another task runs in between.
    @Test func aBreakpointInAnAsyncioTaskAndNextOverAnAwait() throws {
        let session = try TracerSession("""
            import asyncio


            async def fetch(n):
                await asyncio.sleep(0)
                return n * 2


            async def worker(n):
                value = await fetch(n)
                total = value + 1
                return total


            async def main():
                print(await asyncio.gather(worker(1), worker(2)))


            asyncio.run(main())
            """)
        try session.attach()
        try session.send("set_break", ["file": .string(session.programPath), "line": 10])
        let (stopped, messages) = try session.stop(after: "continue")
        #expect(stopped == "worker:10")
        // The coroutine waiting on the task (through gather) shows as its
        // caller, where it waits.
        let frames = session.stack(in: messages)?.frames.map { "\($0.function):\($0.line)" }
        #expect(frames == ["<module>:19", "main:16", "worker:10"])
        #expect(try session.stop(after: "up").0 == "main:16")
        #expect(try session.stop(after: "down").0 == "worker:10")
        try session.send("clear_break", ["file": .string(session.programPath), "line": 10])
        #expect(try session.stop(after: "next").0 == "worker:11")
        try session.send("eval", "n, value")
        let printed = try session.receive(through: "print").last.flatMap { PrintOutput(json: $0.payload) }
        #expect(printed?.output == "(1, 2)")
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "[3, 5]\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    @Test func anUncaughtExceptionIsShownAndTheProgramExitsWithOne() throws {
        let session = try TracerSession("""
            def boom(v):
                raise ValueError('bad value %d' % v)


            boom(3)
            """)
        try session.attach()
        try session.send("continue")
        let rest = try session.receiveUntilEnd()
        let traceback = TracerSession.programOutput(rest, stream: PrintOutput.standardError)
        #expect(traceback.hasPrefix("Traceback (most recent call last):\n"))
        #expect(traceback.contains("line 2, in boom"))
        #expect(!traceback.contains("qdb/__main__.py"))
        #expect(traceback.hasSuffix("ValueError: bad value 3\n"))
        #expect(session.program.waitForExit(timeout: 20) == 1)
    }

    @Test func hardDisableEndsTheProgramWithOne() throws {
        let session = try TracerSession("print('one')\nprint('two')\n")
        try session.attach()
        try session.send("disable", "hard")
        #expect(try session.receiveUntilEnd().last == Message("disable", .null))
        #expect(session.program.waitForExit(timeout: 20) == 1)
        #expect(!session.program.standardOutput.contains("two"))
    }

    /// In a program that called `set_trace`, as in the original: exit code
    /// 1 and no QdbQuit traceback.
    @Test func hardDisableOfASetTraceProgramEndsItQuietly() throws {
        let session = try TracerSession.callingSetTrace("""
            import qdb
            qdb.set_trace(host='127.0.0.1', port=PORT, uuid='UUID')
            print('never')
            """)
        try session.attach()
        try session.send("disable", "hard")
        _ = try session.receiveUntilEnd()
        #expect(session.program.waitForExit(timeout: 20) == 1)
        #expect(!session.program.standardError.contains("QdbQuit"))
        #expect(!session.program.standardOutput.contains("never"))
    }

    @Test func pauseStopsAProgramRunningWithoutTheHook() throws {
        let session = try TracerSession("""
            import time
            done = False
            while not done: time.sleep(0.01)
            print('finished')
            """)
        try session.attach()
        try session.send("continue")
        #expect(try session.unexpectedEvent(within: 0.5) == nil)
        let (paused, _) = try session.stop(after: "pause")
        #expect(paused == "<module>:3")
        try session.send("eval", "done = True")
        _ = try session.receive(through: "watchlist")
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "finished\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    @Test func aLocalTracerIsPausedBySignalThroughTheServer() throws {
        let session = try TracerSession.callingSetTrace("""
            import time
            import qdb
            qdb.set_trace(host='127.0.0.1', port=PORT, uuid='UUID', cmd_manager=qdb.ServerLocalCommandManager())
            done = False
            while not done: time.sleep(0.01)
            print('finished')
            """)
        try session.attach()
        try session.send("continue")
        #expect(try session.unexpectedEvent(within: 0.5) == nil)
        #expect(try session.stop(after: "pause").0 == "<module>:5")
        try session.send("eval", "done = True")
        _ = try session.receive(through: "watchlist")
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "finished\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    @Test func theProgramRunsOnWhenTheServerDiesWhileItIsStopped() throws {
        let session = try TracerSession("import sys\nprint('still here')\nsys.exit(3)\n")
        try session.attach()
        session.server.process.kill()
        #expect(session.program.waitForExit(timeout: 20) == 3)
        #expect(session.program.standardOutput == "still here\n")
    }

    @Test func noServerIsAOneLineErrorAndExitOne() throws {
        let closed = try ClosedPort()
        let port = closed.port
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("qdb-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "print('never')\n".write(to: directory.appendingPathComponent("program.py"), atomically: true, encoding: .utf8)
        let program = try ChildProcess(
            try Executables.path(of: "qdb-python"), ["-m", "qdb", "--port", String(port), "program.py"],
            directory: directory.path)
        #expect(program.waitForExit(timeout: 30) == 1)
        #expect(program.standardError.contains("Failed to connect to ('localhost', \(port)) after 10 retries."))
        #expect(!program.standardError.contains("Traceback"))
    }

    @Test func aRefusedTracerRaisesQdbAuthenticationErrorAndExitsWithOne() throws {
        let session = try TracerSession("x = 1\n", serverArguments: ["--tracer-auth", "s3cret"])
        #expect(session.program.waitForExit(timeout: 20) == 1)
        #expect(session.program.standardError.contains("QdbAuthenticationError: Authentication failed"))
    }

    /// A command from the server used to make and delete a Python thread
    /// state on the reader thread, linked into the interpreter's list
    /// without the GIL, while the stopped thread walked that list for each
    /// breakpoint set: now and then the walk met one half made and the
    /// program crashed. A flood of breakpoints at a stop, with threads
    /// starting and ending meanwhile, leaves it running to its end.
    @Test func aFloodOfCommandsAtAStopLeavesTheProgramRunning() throws {
        let session = try TracerSession("""
            import threading


            def work():
                return sum(range(100))


            def churn():
                for _ in range(2000):
                    thread = threading.Thread(target=work)
                    thread.start()
                    thread.join()


            background = threading.Thread(target=churn)
            background.start()
            background.join()
            print('done')
            """)
        try session.attach()
        for _ in 0..<1000 {
            try session.send("add_break", ["file": .string(session.programPath), "line": 5])
            try session.send("clear_break", ["file": .string(session.programPath), "line": 5])
        }
        try session.send("continue")
        #expect(session.program.waitForExit(timeout: 60) == 0)
        #expect(session.program.standardOutput.contains("done"))
    }

    @Test func theTerminalCommandManagerDebugsLikePdb() throws {
        let session = try TracerSession("""
            import qdb


            def double(n):
                result = n * 2
                return result


            qdb.set_trace(cmd_manager=qdb.TerminalCommandManager())
            value = double(21)
            print('value', value)
            """, input: "s\ns\nn\np result\nwhere\nc\n") { _, _, _ in
            [try Executables.path(of: "qdb-python"), "program.py"]
        }
        #expect(session.program.waitForExit(timeout: 20) == 0)
        let screen = session.program.standardOutput
        #expect(screen.contains("-> value = double(21)"))
        #expect(screen.contains("--Call--\n> \(session.directory.path)/program.py(4)double()\n-> def double(n):"))
        #expect(screen.contains("-> result = n * 2"))
        #expect(screen.contains("(qdb) 42"))
        #expect(screen.contains("value 42"))
    }
}

/// The `qdb` package's options and behaviours beyond the protocol basics.
@Suite struct TracerOptionsEndToEndTests {
    /// Runs `source` (with `PORT` and `UUID` filled in) under qdb-python.
    func session(_ source: String, files: [String: String] = [:]) throws -> TracerSession {
        try TracerSession(source) { directory, port, uuid in
            let path = directory + "/program.py"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try text.replacingOccurrences(of: "PORT", with: String(port)).replacingOccurrences(of: "UUID", with: uuid)
                .write(toFile: path, atomically: true, encoding: .utf8)
            for (name, contents) in files {
                try contents.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            }
            return [try Executables.path(of: "qdb-python"), "program.py"]
        }
    }

    func evaluate(_ session: TracerSession, _ source: String) throws -> PrintOutput? {
        try session.send("eval", .string(source))
        return try session.receive(through: "print").last.flatMap { PrintOutput(json: $0.payload) }
    }

    @Test func configOptionsShapeEvaluationAndStepping() throws {
        let session = try session("""
            import os
            import qdb
            import helper

            calls = []


            def evaluate(source, frame, mode='eval'):
                calls.append(source)
                code = compile(source, '<qdb>', mode)
                return eval(code, frame.f_globals, frame.f_locals)


            qdb.set_trace(
                host='127.0.0.1', port=PORT, uuid='UUID', eval_fn=evaluate,
                repr_fn=lambda value: '<%r>' % (value,),
                exception_serializer=lambda error: 'custom %s' % type(error).__name__,
                default_namespace={'answer': 42},
                skip_fn=lambda filename: filename.endswith('helper.py'),
                default_file=os.path.abspath(__file__))
            x = helper.twice(1)
            y = x + 1
            print(y)
            """, files: ["helper.py": "def twice(n):\n    return n * 2\n"])
        try session.attach()
        #expect(try evaluate(session, "answer")?.output == "<42>")
        #expect(try evaluate(session, "1/0") == .evaluation(input: "1/0", exception: "ZeroDivisionError", output: "custom ZeroDivisionError"))
        #expect(try evaluate(session, "len(calls) > 0")?.output == "<True>")
        // skip_fn hides helper.py: stepping into twice() lands on the next line.
        #expect(try session.stop(after: "step").0 == "<module>:22")
        // default_file: a breakpoint payload without a file.
        try session.send("set_break", ["line": 23])
        #expect(try session.stop(after: "continue").0 == "<module>:23")
        try session.send("set_watch", ["y"])
        let watched = try session.receive(through: "watchlist").last?.payload.arrayValue?.first
        #expect(watched.flatMap(WatchEntry.init(json:))?.value == "<3>")
        try session.send("continue")
        _ = try session.receiveUntilEnd()
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    @Test func otherThreadsRunWhileTheProgramIsStopped() throws {
        let session = try session("""
            import threading
            import time
            import qdb

            ticks = []


            def tick():
                while len(ticks) < 1000:
                    ticks.append(1)
                    time.sleep(0.01)


            threading.Thread(target=tick, daemon=True).start()
            qdb.set_trace(host='127.0.0.1', port=PORT, uuid='UUID')
            done = True
            """)
        try session.attach()
        let before = Int(try evaluate(session, "len(ticks)")?.output ?? "") ?? -1
        Thread.sleep(forTimeInterval: 0.5)
        let after = Int(try evaluate(session, "len(ticks)")?.output ?? "") ?? -1
        #expect(after > before + 10, "the thread ticked \(after - before) times in 0.5 s")
        try session.send("disable", "soft")
        _ = try session.receiveUntilEnd()
    }

    @Test func aForkedChildLeavesTheParentsSessionAlone() throws {
        let session = try session("""
            import os
            import qdb
            qdb.set_trace(host='127.0.0.1', port=PORT, uuid='UUID')
            pid = os.fork()
            if pid == 0:
                print('child', flush=True)
                os._exit(0)
            os.waitpid(pid, 0)
            print('parent')
            """)
        try session.attach()
        #expect(try session.stop(after: "next").0 == "<module>:5")
        #expect(try session.stop(after: "next").0 == "<module>:8")
        let (last, messages) = try session.stop(after: "next")
        #expect(last == "<module>:9")
        #expect(!TracerSession.programOutput(messages).contains("child"))
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "parent\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
        #expect(session.program.standardOutput.contains("child\n"))
    }
}

extension TracerOptionsEndToEndTests {
    /// A program whose forked multiprocessing worker runs `work` (line 6 on)
    /// while the parent is debugged.
    static func forkingProgram(work: String) -> String {
        """
        import multiprocessing
        import qdb


        def work(queue):
        \(work)
            queue.put('worked')


        if __name__ == '__main__':
            qdb.set_trace(host='127.0.0.1', port=PORT, uuid='UUID')
            context = multiprocessing.get_context('fork')
            queue = context.Queue()
            worker = context.Process(target=work, args=(queue,))
            worker.start()
            print(queue.get(timeout=20))
            worker.join()
            print('worker exit', worker.exitcode)
        """
    }

    /// A multiprocessing worker (forked) runs untraced: a breakpoint the
    /// parent's session holds in its function neither stops it nor hangs it.
    @Test func aMultiprocessingWorkerRunsOnUntraced() throws {
        let session = try session(Self.forkingProgram(work: "    pass"))
        try session.attach()
        try session.send("set_break", ["file": .string(session.programPath), "line": 7])
        try session.send("continue")
        let output = TracerSession.programOutput(try session.receiveUntilEnd())
        #expect(output == "worked\nworker exit 0\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    /// A child debugs with a session of its own, under its own uuid, while
    /// the parent's goes on.
    @Test func aChildDebugsUnderItsOwnUuid() throws {
        let session = try session(
            Self.forkingProgram(work: "    qdb.set_trace(host='127.0.0.1', port=PORT, uuid='UUID-child')"))
        try session.attach()
        try session.send("continue")
        let child = try WebSocketTestClient(port: session.server.clientPort, path: "/\(session.uuid)-child", timeout: 20)
        try child.send(Message("start", ""))
        var messages: [Message] = []
        while !messages.contains(where: { $0.name == "stack" }) {
            messages.append(try child.receiveMessage(timeout: 20))
        }
        #expect(TracerSession.location(messages.last { $0.name == "stack" }) == "work:7")
        try child.send(Message("continue", .null))
        _ = try child.receiveUntilClose(timeout: 20)
        let output = TracerSession.programOutput(try session.receiveUntilEnd())
        #expect(output == "worked\nworker exit 0\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }
}

extension TracerEndToEndTests {
    @Test func aSyntaxErrorReachesTheClientLikeAnyException() throws {
        let session = try TracerSession("def broken(:\n")
        let client = try WebSocketTestClient(port: session.server.clientPort, path: "/" + session.uuid, timeout: 20)
        try client.send(Message("start", ""))
        let messages = try client.receiveUntilClose(timeout: 20).messages
        #expect(TracerSession.programOutput(messages, stream: PrintOutput.standardError).contains("SyntaxError: invalid syntax"))
        #expect(session.program.waitForExit(timeout: 20) == 1)
    }
}
