import Testing
@testable import QdbTracer

@Suite struct StopQueueTests {
    @Test func oneStopIsShownAndTheNextWhenItResumes() {
        var queue = StopQueue<String>()
        #expect(queue.arrive("a", parked: false) == .show)
        #expect(queue.arrive("b", parked: false) == .wait)
        #expect(queue.selected == "a")
        #expect(queue.holds("b"))
        queue.resume("a", all: false)
        #expect(queue.selected == "b")
        #expect(!queue.holds("a"))
        queue.resume("b", all: false)
        #expect(queue.selected == nil)
    }

    /// Without stop_all_threads, a stop already shown is not shown again
    /// by itself: the clients go back to it with `thread N`.
    @Test func aShownStopWaitsToBeSelectedAgain() {
        var queue = StopQueue<String>()
        _ = queue.arrive("a", parked: false)
        _ = queue.arrive("b", parked: false)
        let selected = queue.select("b")
        #expect(selected)
        queue.resume("b", all: false)
        #expect(queue.selected == nil)
        #expect(queue.holds("a"))
        #expect(queue.arrive("c", parked: false) == .show)
        let reselected = queue.select("a"), unknown = queue.select("z")
        #expect(reselected && !unknown)
    }

    @Test func stopAllThreadsParksAndReleasesTogether() {
        var queue = StopQueue<String>()
        // Nothing to park for.
        #expect(queue.arrive("p", parked: true) == .proceed)
        #expect(queue.arrive("a", parked: false) == .show)
        #expect(queue.arrive("p", parked: true) == .wait)
        #expect(queue.arrive("b", parked: false) == .wait)
        #expect(queue.isParked("p"))
        // A parked thread is never shown by itself, a real stop is.
        queue.resume("a", all: true)
        #expect(queue.selected == "b")
        #expect(!queue.holds("p") && !queue.holds("a"))
    }

    @Test func releasingAllEmptiesTheQueue() {
        var queue = StopQueue<Int>()
        _ = queue.arrive(1, parked: false)
        _ = queue.arrive(2, parked: false)
        queue.releaseAll()
        #expect(queue.selected == nil)
        #expect(!queue.holds(1) && !queue.holds(2))
    }
}

@Suite struct ExceptionCatchesTests {
    @Test func namesMatchTheClassOrABaseByNameOrModuleName() {
        var catches = ExceptionCatches()
        catches.add("ValueError")
        catches.add("ValueError")
        #expect(catches.names == ["ValueError"])
        // json.JSONDecodeError is a ValueError.
        #expect(catches.catches(classNames: [
            ["JSONDecodeError", "json.decoder.JSONDecodeError"], ["ValueError", "builtins.ValueError"],
            ["Exception", "builtins.Exception"],
        ]))
        #expect(!catches.catches(classNames: [["KeyError", "builtins.KeyError"], ["LookupError"]]))
        catches.add("app.errors.Refused")
        #expect(catches.catches(classNames: [["Refused", "app.errors.Refused"]]))
    }

    @Test func anyExceptionLeavesOutControlFlow() {
        var catches = ExceptionCatches()
        catches.add(ExceptionCatches.anyException)
        #expect(catches.catches(classNames: [["KeyError"], ["LookupError"]]))
        #expect(!catches.catches(classNames: [["StopIteration"], ["Exception"]]))
        #expect(!catches.catches(classNames: [["GeneratorExit"], ["BaseException"]]))
        catches.add("StopIteration")
        #expect(catches.catches(classNames: [["StopIteration"], ["Exception"]]))
    }

    @Test func removingOneOrAll() {
        var catches = ExceptionCatches()
        catches.add("KeyError")
        catches.add("OSError")
        let absent = catches.remove("ValueError"), present = catches.remove("KeyError")
        #expect(!absent && present)
        #expect(catches.names == ["OSError"])
        let all = catches.remove(nil), none = catches.remove(nil)
        #expect(all && !none)
        #expect(catches.isEmpty)
    }
}
