import Foundation
import QdbProtocol
import QdbTestSupport
import Testing

/// Threads and exception catches, through the real binaries: every
/// thread can stop, stops queue up, and the extensions' commands work.
@Suite struct ThreadEndToEndTests {
    @Test func aBreakpointInAPoolWorkerAndInARawThreadStopsThere() throws {
        let session = try TracerSession("""
            import _thread
            import threading
            from concurrent.futures import ThreadPoolExecutor


            def work(n):
                doubled = n * 2
                return doubled


            with ThreadPoolExecutor(max_workers=1) as pool:
                print(pool.submit(work, 1).result())
            done = threading.Event()
            _thread.start_new_thread(lambda: (work(2), done.set()), ())
            done.wait()
            print('end')
            """)
        try session.attach()
        try session.send("set_break", ["file": .string(session.programPath), "line": 8])
        let (pooled, pooledMessages) = try session.stop(after: "continue")
        #expect(pooled == "work:8")
        let pooledThread = try #require(session.stack(in: pooledMessages)?.thread)
        #expect(pooledThread.name.hasPrefix("ThreadPoolExecutor-"))
        #expect(try session.evaluate("n") == "1")
        let (raw, rawMessages) = try session.stop(after: "continue")
        #expect(raw == "work:8")
        let rawThread = try #require(session.stack(in: rawMessages)?.thread)
        #expect(rawThread.id != pooledThread.id && rawThread.id != 1)
        #expect(TracerSession.programOutput(rawMessages) == "2\n")
        #expect(try session.evaluate("n") == "2")
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "end\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    @Test func aThreadStartedBeforeSetTraceStopsAtABreakpoint() throws {
        let session = try TracerSession.callingSetTrace("""
            import threading
            import qdb

            go = threading.Event()


            def work():
                go.wait()
                value = 42
                return value


            early = threading.Thread(target=work, name='early')
            early.start()
            qdb.set_trace(host='127.0.0.1', port=PORT, uuid='UUID')
            go.set()
            early.join()
            print('joined')
            """)
        try session.attach()
        try session.send("set_break", ["file": .string(session.programPath), "line": 9])
        let (stopped, messages) = try session.stop(after: "continue")
        #expect(stopped == "work:9")
        #expect(session.stack(in: messages)?.thread?.name == "early")
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "joined\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    /// Both threads reach the breakpoint together: one stop is shown, the
    /// other waits and is shown when the first resumes; `thread N` moves
    /// between them.
    @Test func twoThreadsHittingTheSameBreakpointAreShownInTurn() throws {
        let session = try TracerSession("""
            import threading

            barrier = threading.Barrier(2)


            def work(n):
                barrier.wait()
                result = n * 10
                return result


            workers = [threading.Thread(target=work, args=(n,), name='worker-%d' % n) for n in (1, 2)]
            for worker in workers:
                worker.start()
            for worker in workers:
                worker.join()
            print('done')
            """)
        try session.attach()
        try session.send("set_break", ["file": .string(session.programPath), "line": 8])
        let (first, firstMessages) = try session.stop(after: "continue")
        #expect(first == "work:8")
        let firstThread = try #require(session.stack(in: firstMessages)?.thread)
        let waiting = try session.threads(until: { $0.contains { $0.state == .stopped } })
        let second = try #require(waiting.first { $0.state == .stopped }?.thread)
        #expect(Set([firstThread.name, second.name]) == ["worker-1", "worker-2"])
        #expect(waiting.first { $0.state == .selected }?.thread == firstThread)

        let (switched, switchedMessages) = try session.stop(after: "thread", JSONValue(second.id))
        #expect(switched == "work:8")
        #expect(session.stack(in: switchedMessages)?.thread == second)
        #expect(try session.evaluate("n") == String(second.name.last!))
        // The second resumes; the first, already shown, stays stopped until
        // selected again.
        try session.send("continue")
        #expect(try session.threads(until: { $0.count == 2 }).first { $0.thread == firstThread }?.state == .stopped)
        let (back, backMessages) = try session.stop(after: "thread", JSONValue(firstThread.id))
        #expect(back == "work:8")
        #expect(session.stack(in: backMessages)?.thread == firstThread)
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "done\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    @Test func pauseStopsTheNamedThread() throws {
        let session = try TracerSession("""
            import threading
            import time

            done = threading.Event()


            def spin():
                while not done.is_set():
                    time.sleep(0.001)


            spinner = threading.Thread(target=spin, name='spinner')
            spinner.start()
            spinner.join()
            print('stopped spinning')
            """)
        try session.attach()
        try session.send("continue")
        let listed = try session.threads(until: { $0.contains { $0.thread.name == "spinner" } })
        let spinner = try #require(listed.first { $0.thread.name == "spinner" })
        #expect(spinner.state == .running)
        #expect(spinner.frame?.function == "spin")
        #expect(listed.first { $0.thread.id == 1 }?.thread.name == "MainThread")
        let (paused, messages) = try session.stop(after: "pause", JSONValue(spinner.thread.id))
        #expect(paused.hasPrefix("spin:"))
        #expect(session.stack(in: messages)?.thread == spinner.thread)
        try session.send("pause", 99)
        let refused = try session.receive(through: "error").last.flatMap { ErrorInfo(json: $0.payload) }
        #expect(refused == ErrorInfo(type: "pause", "No thread 99"))
        #expect(try session.evaluate("done.set()") == "")
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "stopped spinning\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    /// With stop_all_threads, a busy thread is held while the main thread's
    /// stop is shown, and runs on when it resumes.
    @Test func stopAllThreadsHoldsTheOtherThreads() throws {
        let session = try TracerSession("""
            import threading
            import time

            count = 0
            finish = threading.Event()


            def count_up():
                global count
                while not finish.is_set():
                    count += 1


            threading.Thread(target=count_up, name='counter').start()
            time.sleep(0.05)
            marker = 'here'
            finish.set()
            print('done')
            """)
        try session.attach()
        try session.send("stop_all_threads", true)
        #expect(try session.receive(through: "stop_all_threads").last == Message("stop_all_threads", true))
        try session.send("set_break", ["file": .string(session.programPath), "line": 16])
        #expect(try session.stop(after: "continue").0 == "<module>:16")
        let parked = try session.threads(until: { $0.contains { $0.state == .parked } })
        #expect(parked.first { $0.state == .parked }?.thread.name == "counter")
        let before = try session.evaluate("count")
        Thread.sleep(forTimeInterval: 0.2)
        #expect(try session.evaluate("count") == before)
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "done\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }

    /// The post_mortem option of `set_trace`, for an uncaught exception in
    /// the main thread (sys.excepthook).
    @Test func setTraceWithPostMortemStopsAtAnUncaughtException() throws {
        let session = try TracerSession.callingSetTrace("""
            import qdb
            qdb.set_trace(host='127.0.0.1', port=PORT, uuid='UUID', post_mortem=True)


            def fail(n):
                raise KeyError(n)


            fail(5)
            """)
        try session.attach()
        #expect(try session.stop(after: "continue").0 == "fail:6")
        let exception = try session.receive(through: "exception").last.flatMap { ExceptionInfo(json: $0.payload) }
        #expect(exception?.type == "KeyError")
        #expect(try session.evaluate("n") == "5")
        try session.send("continue")
        _ = try session.receiveUntilEnd()
        #expect(session.program.waitForExit(timeout: 20) == 1)
        #expect(session.program.standardError.contains("KeyError: 5"))
    }

    @Test func catchStopsWhereACaughtExceptionIsRaised() throws {
        let session = try TracerSession("""
            import json


            def parse(text):
                try:
                    return int(text)
                except ValueError:
                    return None


            def decode(text):
                try:
                    return json.loads(text)
                except ValueError:
                    return 'not json'


            print(parse('x'), parse('7'), decode('{'))
            """)
        try session.attach()
        try session.send("catch", "ValueError")
        #expect(try session.receive(through: "catches").last == Message("catches", ["ValueError"]))
        let (raised, messages) = try session.stop(after: "continue")
        #expect(raised == "parse:6")
        let exception = try session.receive(through: "exception").last.flatMap { ExceptionInfo(json: $0.payload) }
        #expect(exception?.type == "ValueError")
        #expect(!messages.contains { $0.name == "exception" && ExceptionInfo(json: $0.payload)?.type != "ValueError" })
        // Raised deep in the json module (a subclass of ValueError), it stops
        // once, in the user's frame it came out into.
        #expect(try session.stop(after: "continue").0 == "decode:13")
        _ = try session.receive(through: "exception")
        try session.send("uncatch", .null)
        #expect(try session.receive(through: "catches").last == Message("catches", []))
        try session.send("continue")
        #expect(TracerSession.programOutput(try session.receiveUntilEnd()) == "None 7 not json\n")
        #expect(session.program.waitForExit(timeout: 20) == 0)
    }
}

extension TracerSession {
    /// The last `stack` among `messages`.
    func stack(in messages: [Message]) -> Stack? {
        messages.last { $0.name == "stack" }.flatMap { Stack(json: $0.payload) }
    }

    /// Evaluates `source` in the selected frame and returns its output.
    func evaluate(_ source: String) throws -> String? {
        try send("eval", .string(source))
        return try receive(through: "print").last.flatMap { PrintOutput(json: $0.payload) }?.output
    }

    /// Asks for `threads` until `condition` holds of the answer (threads
    /// reach their stops in their own time), for up to 20 seconds.
    func threads(until condition: ([ThreadSummary]) -> Bool) throws -> [ThreadSummary] {
        let deadline = Date().addingTimeInterval(20)
        while true {
            try send("threads")
            let reply = try receive(through: "threads").last
            guard case .threads(let threads)? = reply.map(Event.init) else {
                throw TestSupportError.protocolViolation("no threads reply")
            }
            if condition(threads) || Date() > deadline {
                return threads
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }
}
