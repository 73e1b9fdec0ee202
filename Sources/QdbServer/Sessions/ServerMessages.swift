import QdbProtocol

/// The messages the server itself sends, as the protocol words them.
extension Message {
    /// `{"e":"error","p":{"type":TYPE,"data":TEXT}}`.
    static func error(_ type: String, _ text: String) -> Message {
        Message("error", ErrorInfo(type: type, text).json)
    }

    static func error(_ info: ErrorInfo) -> Message {
        Message("error", info.json)
    }

    /// `{"e":"disable","p":null}`: what a client gets when its session ends
    /// or it is turned away.
    static let clientDisable = Message("disable")

    /// `{"e":"disable","p":MODE}`: what a tracer gets when its session ends.
    static func tracerDisable(_ mode: DisableMode) -> Message {
        Message("disable", .string(mode.rawValue))
    }
}

/// The fixed texts of the server's errors.
enum ServerErrorText {
    static let notStart = TracerStartError.notStart.description
    static let authenticationFailed = "Authentication failed"
    static let noStart = "No start event received"
    static let noTracer = "No tracer"
    static let noClient = "No client"
    static let tracerDisconnected = "The tracer disconnected"

    static func tracerAlreadyAttached(_ uuid: String) -> String {
        "Session \(uuid) already has a tracer"
    }
}
