import CPython

/// The coroutines waiting on the asyncio task this thread runs. Their
/// frames are not on the thread's stack (the task's caller is the event
/// loop), so `where` would not show what a task is working for.
///
/// 3.11 to 3.13 have no public call graph (3.14's
/// `asyncio.capture_call_graph`), so this follows asyncio's private links:
/// a task's `_fut_waiter` is what it awaits, a task or a gather whose
/// `_children` are tasks. A task waited on some other way (a TaskGroup's
/// children) shows no waiters.
enum AsyncioTasks {
    /// Past this, a chain is taken to be a cycle.
    private static let maximumDepth = 256

    /// The frame of the running task's coroutine, and the frames of the
    /// coroutines waiting on that task, outermost first; nil when the
    /// thread runs no task.
    static func waitingFrames() -> (task: PythonObject, waiting: [PythonObject])? {
        defer { PyErr_Clear() }
        guard let asyncio = try? PythonObject.importModule("sys").attribute("modules").item("asyncio"),
              let task = try? asyncio.callMethod("current_task"), !task.isNone,
              let frame = try? task.callMethod("get_coro").attribute("cr_frame"), !frame.isNone,
              let tasks = try? PythonObject.builtin("list").call(asyncio.callMethod("all_tasks"))
        else { return nil }
        let all = tasks.sequenceItems
        var waiting: [PythonObject] = []
        var awaited = task
        for _ in 0..<maximumDepth {
            guard let waiter = all.first(where: { waits($0, on: awaited) }) else { break }
            waiting.insert(contentsOf: coroutineFrames(of: waiter), at: 0)
            awaited = waiter
        }
        return (frame, waiting)
    }

    private static func waits(_ task: PythonObject, on awaited: PythonObject) -> Bool {
        defer { PyErr_Clear() }
        guard let target = try? task.attribute("_fut_waiter"), !target.isNone else { return false }
        if target == awaited {
            return true
        }
        return (try? target.attribute("_children"))?.sequenceItems.contains(awaited) ?? false
    }

    /// A suspended task's coroutine frames, down what each one awaits.
    private static func coroutineFrames(of task: PythonObject) -> [PythonObject] {
        defer { PyErr_Clear() }
        var frames: [PythonObject] = []
        var coroutine = try? task.callMethod("get_coro")
        while frames.count < maximumDepth, let current = coroutine,
              let frame = try? current.attribute("cr_frame"), !frame.isNone {
            frames.append(frame)
            coroutine = try? current.attribute("cr_await")
        }
        return frames
    }
}
