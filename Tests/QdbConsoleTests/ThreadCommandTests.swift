import QdbProtocol
import Testing
@testable import QdbConsole

/// The thread and catch commands (protocol extensions), typed and shown.
@Suite struct ThreadCommandTests {
    @Test func mapsThreadAndCatchCommands() {
        #expect(interpret("threads") == .send(.threads))
        #expect(interpret("thread 2") == .send(.thread(2)))
        #expect(interpret("pause") == .send(.pause(.null)))
        #expect(interpret("pause 3") == .send(.pause(3)))
        #expect(interpret("catch") == .send(.catch(.null)))
        #expect(interpret("catch ValueError") == .send(.catch("ValueError")))
        #expect(interpret("uncatch") == .send(.uncatch(.null)))
        #expect(interpret("uncatch KeyError") == .send(.uncatch("KeyError")))
        #expect(interpret("stop_all_threads on") == .send(.stopAllThreads(true)))
        #expect(interpret("stop_all_threads off") == .send(.stopAllThreads(false)))
        #expect(interpret("stop_all_threads") == .send(.stopAllThreads(.null)))
    }

    @Test func refusesBadThreadArguments() {
        #expect(interpret("thread") == .error(.error("thread", "missing argument(s)")))
        #expect(interpret("thread two") == .error(.error("thread", "expected a thread number, not 'two'")))
        #expect(interpret("pause main") == .error(.error("pause", "expected a thread number, not 'main'")))
        #expect(interpret("stop_all_threads maybe") == .error(.error("stop_all_threads", "expected on or off, not 'maybe'")))
        // Still Python when it reads as an assignment.
        #expect(interpret("thread = None") == .send(.eval("thread = None")))
    }

    @Test func showsThreads() {
        var session = stoppedSession()
        let frame = StackFrame(file: "/work/app.py", line: 6, function: "work", code: "    total += 1")
        #expect(session.show(.threads([
            ThreadSummary(thread: ThreadInfo(id: 1, name: "MainThread"), state: .running, frame: nil),
            ThreadSummary(thread: ThreadInfo(id: 2, name: "worker"), state: .selected, frame: frame),
        ])) == [
            "  1   MainThread  running   ",
            "* 2   worker      selected  /work/app.py:6 in work",
        ])
    }

    @Test func saysWhichThreadAStopIsIn() {
        var session = ConsoleSession()
        let frame = StackFrame(file: "/work/app.py", line: 6, function: "work", code: "total += 1")
        let worker = Stack(index: 0, frames: [frame], thread: ThreadInfo(id: 2, name: "worker"))
        #expect(session.show(.stack(worker)) == ["[thread 2 worker]", "> /work/app.py(6)work()", "-> total += 1"])
        _ = session.interpret("n")
        var next = worker
        next.frames[0].line = 7
        #expect(session.show(.stack(next)).first == "> /work/app.py(7)work()", "the same thread is not named again")
        next.thread = ThreadInfo(id: 3, name: "other")
        _ = session.interpret("n")
        #expect(session.show(.stack(next)).first == "[thread 3 other]")
    }

    @Test func showsCatchesAndTheSetting() {
        var session = stoppedSession()
        #expect(session.show(.catches(["ValueError", "*"])) == ["catching: ValueError, any exception"])
        #expect(session.show(.catches([])) == ["catching: nothing"])
        #expect(session.show(.stopAllThreads(true)) == ["stop_all_threads: on"])
    }

    /// An original tracer knows none of the extensions.
    @Test func explainsWhatAnOriginalTracerDoesNotSupport() {
        var session = stoppedSession()
        #expect(session.show(.error(ErrorInfo(type: "event", "Command threads does not exist"))) == [
            "*** error: threads: not supported by this tracer (an original qdb tracer?)",
        ])
        #expect(session.show(.error(ErrorInfo(type: "event", "Command frobnicate does not exist"))) == [
            "*** error: event: Command frobnicate does not exist",
        ])
    }
}
