import CPython
import Glibc
import QdbProtocol

extension TracerSession {
    /// Starts the session the options describe and makes it the active one:
    /// connects to the server (QdbFailedToConnect after the retries),
    /// announces the tracer with `start`, and starts reading commands.
    static func start(_ options: SessionOptions) throws(PythonError) -> TracerSession {
        active?.disable(.soft)
        let channel: CommandChannel
        switch options.transport {
        case .nop:
            channel = NopChannel()
        case .remote, .local:
            channel = try connect(options)
        case .terminal:
            channel = TerminalChannel()
        }
        let session = TracerSession(options: options, channel: channel)
        session.startupCommands = StartupCommands(options.startupCommands)
        try session.redirectOutput()
        if let remote = channel as? RemoteChannel {
            let reading = remote.startReading(
                maximumFrameBytes: TracerFraming.defaultMaximumFrameBytes,
                handled: { message in session.received(message) },
                lost: { reason in session.connectionLost(reason) })
            guard reading else {
                session.disable(.soft)
                throw PythonError(raising: qdb_exc_runtime_error(), "qdb: cannot start the reader thread")
            }
        }
        active = session
        return session
    }

    private static func connect(_ options: SessionOptions) throws(PythonError) -> RemoteChannel {
        let connection: ServerConnection
        do {
            connection = try ServerConnection.connect(
                host: options.host, port: options.port, attempts: options.retryAttempts)
        } catch {
            let address = (try? PythonObject.tuple([PythonObject(options.host), PythonObject(options.port)])) ?? .none
            throw QdbErrors.make("QdbFailedToConnect", address, PythonObject(options.retryAttempts))
        }
        let isLocal = options.transport == .local
        let start = TracerStart(
            uuid: options.uuid, auth: options.authMessage, pid: isLocal ? getpid() : 0,
            pauseSignal: isLocal ? options.pauseSignal : 0)
        connection.send(start.message)
        return RemoteChannel(connection: connection)
    }

    /// On the reader thread, for each message from the server: handled at
    /// once when the program runs and the command makes sense then;
    /// otherwise (false) it waits in the queue for the next stop.
    func received(_ message: Message) -> Bool {
        let command = Command(message)
        let handled = PythonGIL.withLock { () -> Bool in
            switch state {
            case .disabled: true
            // At a stop, everything goes to the stopped thread; the original
            // drops a plain pause there.
            case .active where stops.selected != nil: command == .pause(.null)
            case .active: handleWhileRunning(command)
            }
        }
        return handled ?? true
    }

    /// On the reader thread, when the server goes away: a running program
    /// carries on untraced (a stopped one finds out from its queue).
    func connectionLost(_ reason: String) {
        _ = PythonGIL.withLock {
            guard state == .active, stops.selected == nil else { return }
            writeToStandardError("qdb: \(reason); the program continues without the debugger\n")
            disable(.soft, notifyingServer: false)
        }
    }
}
