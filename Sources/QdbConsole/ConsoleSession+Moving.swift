import QdbProtocol

/// Commands that move the program or the selected frame.
extension ConsoleSession {
    /// A command after which the program or the selected frame moves: the
    /// stop it leads to is shown even when it looks like the last one.
    mutating func moving(_ command: Command) -> ConsoleAction {
        if repeatedStop != .hideAttachReply {
            repeatedStop = .show
        }
        listCursor = nil
        framesPassed = 0
        return .send(command)
    }

    /// `unt [N]`: the original's `until`, or with a line number pdb's.
    mutating func until(_ argument: String?) -> ConsoleAction {
        guard let argument else { return moving(.until(.null)) }
        guard let line = Int(argument) else {
            return .error(ConsoleLine("*** Error in argument: '\(argument)'", .error))
        }
        return moving(.until(JSONValue(line)))
    }

    mutating func jump(_ argument: String) -> ConsoleAction {
        guard let line = Int(argument) else {
            return .error(ConsoleLine("*** The 'jump' command requires a line number", .error))
        }
        return moving(.jump(JSONValue(line)))
    }

    /// pdb's `u [COUNT]` and `d [COUNT]`: COUNT frames (one by default; a
    /// negative count, to the end of the stack), moved one at a time since
    /// the protocol's `up` and `down` move one. Only the last frame reached
    /// is shown, and at the end of the stack pdb's error, whatever the
    /// count. Without a stack to count on, the tracer answers.
    mutating func moveFrames(_ command: ConsoleCommand, _ argument: String?) -> ConsoleAction {
        let isUp = command == .up
        let move: Command = isUp ? .up : .down
        guard let stack, let frame = stack.selectedFrame else { return moving(move) }
        let last = stack.frames.count - 1
        guard stack.index != (isUp ? 0 : last) else {
            return .error(ConsoleLine(isUp ? "*** Oldest frame" : "*** Newest frame", .error))
        }
        guard let count = argument.map(Int.init) ?? 1 else {
            return .error(ConsoleLine("*** Invalid frame count (\(argument ?? ""))", .error))
        }
        let target = switch (isUp, count < 0) {
        case (true, true): 0
        case (true, false): max(0, stack.index - count)
        case (false, true): last
        case (false, false): min(last, stack.index + count)
        }
        let moves = abs(target - stack.index)
        guard moves > 0 else {
            // `u 0`: pdb shows the frame again.
            return .show(frameLines(frame, selected: true, returning: returnedValue(of: frame)))
        }
        _ = moving(move)
        framesPassed = moves - 1
        return moves == 1 ? .send(move) : .sendAll(Array(repeating: move, count: moves))
    }
}
