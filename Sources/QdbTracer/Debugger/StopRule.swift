/// Where stepping stops next: bdb's `stopframe`, `returnframe` and
/// `stoplineno`, kept in bdb's own terms because its subtle combinations
/// (a `next` on a return event turning into a step, `return` from the
/// outermost frame) are exactly what the original qdb's recorded sessions pin down.
///
/// | command            | stopFrame    | returnFrame | stopLine |
/// |--------------------|--------------|-------------|----------|
/// | step               | nil          | nil         | 0        |
/// | next (in f)        | f            | nil         | 0        |
/// | until (in f, at n) | f            | f           | n + 1    |
/// | return (in f)      | f.back       | f           | 0        |
/// | return (generator) | f            | nil         | -1       |
/// | continue           | bottom frame | nil         | -1       |
struct StopRule<Frame: DebugFrame>: Equatable {
    var stopFrame: Frame?
    var returnFrame: Frame?
    /// 0: any line of `stopFrame`; n > 0: a line at or after n; -1: never.
    var stopLine: Int

    static var step: StopRule { StopRule(stopFrame: nil, returnFrame: nil, stopLine: 0) }

    static func continuing(from bottomFrame: Frame?) -> StopRule {
        StopRule(stopFrame: bottomFrame, returnFrame: nil, stopLine: -1)
    }

    /// bdb's `stop_here`: whether stepping stops in `frame` now.
    func stops(in frame: Frame) -> Bool {
        if let stopFrame, stopFrame == frame {
            return stopLine != -1 && frame.line >= stopLine
        }
        return stopFrame == nil
    }
}
