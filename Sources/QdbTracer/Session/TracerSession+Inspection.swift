import CPython
import QdbProtocol

/// The extensions for what pdb does at a stop that needs the stop itself
/// (docs/protocol-extensions.md): `retval`, `jump` and `until N`; what
/// only reads the frame is `FrameInspector`'s. Errors carry pdb's texts,
/// with the command as their type.
extension TracerSession {
    /// pdb's `retval`: at a return stop, what the frame returns.
    func sendReturnValue() {
        guard let value = currentStop?.returnValue, currentStop?.stack.index == (currentStop?.stack.entries.count ?? 0) - 1
        else { return send(.error(ErrorInfo(type: "retval", "Not yet returned!"))) }
        send(.retval(value.reprText))
    }

    // MARK: Moving

    /// pdb's `unt N`: the line to run to, or nil after sending the error.
    func untilLine(_ payload: JSONValue, from frame: PythonFrame) -> Int?? {
        guard !payload.isNull else { return .some(nil) }
        guard let line = payload.intValue else {
            send(.error(ErrorInfo(type: "until", "Error in argument: \(JSONConversion.pythonRepr(payload))")))
            return nil
        }
        guard line > frame.line else {
            send(.error(ErrorInfo(type: "until", "\"until\" line number is smaller than current line number")))
            return nil
        }
        return line
    }

    /// pdb's `jump N`: the innermost frame's next line becomes N, with
    /// CPython's rules (no jumping into a block, out of a `finally`, ...).
    /// The program stays stopped, at N.
    func jump(_ payload: JSONValue) {
        guard var stop = currentStop, let frame = stop.selectedFrame else { return }
        guard let line = payload.intValue else {
            return send(.error(ErrorInfo(type: "jump", "The 'jump' command requires a line number")))
        }
        guard stop.stack.index == stop.stack.entries.count - 1 else {
            return send(.error(ErrorInfo(type: "jump", "You can only jump within the bottom frame")))
        }
        do throws(PythonError) {
            try PythonObject(borrowing: frame.object).setAttribute("f_lineno", PythonObject(line))
        } catch {
            PyErr_Clear()
            return send(.error(ErrorInfo(type: "jump", "Jump failed: \(error.message)")))
        }
        stop.stack.entries[stop.stack.index].line = frame.line
        currentStop = stop
        refreshWatchlist()
        send(.watchlist(watchlist.entries))
        sendStack()
    }
}
