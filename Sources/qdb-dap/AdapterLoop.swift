import QdbClientSession
import QdbConnection
import QdbDAP
import QdbLauncher
import QdbProtocol

/// Runs a `DebugAdapter`: one loop takes every input in order (the
/// editor's requests, the connection's events, the program's end) and
/// carries out the actions that come out.
struct AdapterLoop {
    enum Input: Sendable {
        case adapter(DebugAdapter.Input)
        /// The editor closed its side.
        case editorGone
        /// A launched program's run: how to ask for its exit.
        case attachment(ScriptSession.Attachment)
        case connected(ServerConnection, authMessage: String)
        /// The launcher is done: the server is down, and a launched
        /// program stopped.
        case launchEnded(ClientExit)
    }

    private let editor: EditorChannel
    private let inputs: AsyncStream<Input>
    private let inbox: AsyncStream<Input>.Continuation
    /// Finished when the adapter is done, which lets the launcher stop the
    /// program and its server.
    private let done: AsyncStream<Never>
    private let doneSignal: AsyncStream<Never>.Continuation

    private var adapter = DebugAdapter()
    /// The `seq` of the last message to the editor.
    private var sent = 0
    private var connection: ServerConnection?
    private var attachment: ScriptSession.Attachment?
    private var isLaunching = false
    private var isExiting = false

    init(editor: EditorChannel) {
        self.editor = editor
        (inputs, inbox) = AsyncStream.makeStream(of: Input.self)
        (done, doneSignal) = AsyncStream.makeStream(of: Never.self)
    }

    mutating func run() async {
        let inbox = self.inbox
        editor.startReading { input in
            inbox.yield(input.map(Input.adapter) ?? .editorGone)
        }
        for await input in inputs {
            receive(input)
            if isExiting && !isLaunching {
                break
            }
        }
        connection?.close()
    }

    private mutating func receive(_ input: Input) {
        switch input {
        case .adapter(let input):
            perform(adapter.handle(input))
        case .editorGone:
            // No one to tell anything any more.
            exit()
        case .attachment(let attachment):
            self.attachment = attachment
        case .connected(let connection, let authMessage):
            guard !isExiting else { return connection.close() }
            self.connection = connection
            let inbox = self.inbox
            Task {
                for await event in connection.events {
                    inbox.yield(.adapter(.connection(event)))
                }
            }
            perform(adapter.handle(.connected(address: connection.address.description, authMessage: authMessage)))
        case .launchEnded(let exit):
            isLaunching = false
            if !isExiting, let message = exit.message {
                // The program never came to a session.
                perform(adapter.handle(.startFailed(message)))
            }
        }
    }

    private mutating func perform(_ actions: [DebugAdapter.Action]) {
        for action in actions {
            switch action {
            case .send(let message):
                sent += 1
                editor.send(message, seq: sent)
            case .sendToServer(let message):
                connection?.send(message)
            case .launch(let configuration):
                launch(configuration)
            case .attach(let configuration):
                attach(configuration)
            case .disconnect:
                // An attached program runs on: the adapter sent `disable`
                // first when asked to end it.
                connection?.close()
            case .awaitProgramExit:
                let inbox = self.inbox
                let attachment = self.attachment
                Task {
                    let code = await attachment?.programExit(.seconds(5))
                    inbox.yield(.adapter(.programExited(code)))
                }
            case .exit:
                exit()
            }
        }
    }

    private mutating func exit() {
        isExiting = true
        connection?.close()
        doneSignal.finish()
    }

    private mutating func launch(_ configuration: LaunchConfiguration) {
        let program = ScriptSession.ProgramSettings(
            python: configuration.python, environment: configuration.environment, directory: configuration.directory)
        runPrivateSession { inbox, connect in
            await ScriptSession.run(
                configuration.target, arguments: configuration.arguments, uuid: "qdb-dap", program: program
            ) { attachment in
                inbox.yield(.attachment(attachment))
                return await connect(attachment.session)
            }
        }
    }

    private mutating func attach(_ configuration: AttachConfiguration) {
        if let pid = configuration.processID {
            return runPrivateSession { _, connect in
                await ProcessSession.run(pid: pid, attach: connect)
            }
        }
        let inbox = self.inbox
        Task {
            do throws(ClientError) {
                let address = try WebSocketAddress(format: configuration.url, uuid: configuration.uuid)
                let connection = try await ServerConnection.connect(to: address)
                inbox.yield(.connected(connection, authMessage: configuration.authMessage))
            } catch {
                inbox.yield(.adapter(.startFailed(error.description)))
            }
        }
    }

    /// A launcher's session (a launched program, or one attached by
    /// process id): `run` starts it and calls `connect` with where to
    /// attach; `connect` returns once the adapter is done, which lets the
    /// launcher end the session.
    private mutating func runPrivateSession(
        _ run: @escaping @Sendable (
            AsyncStream<Input>.Continuation, _ connect: @Sendable (PrivateSession) async -> ClientExit
        ) async -> ClientExit
    ) {
        isLaunching = true
        let inbox = self.inbox
        let done = self.done
        Task {
            let exit = await run(inbox) { session in
                do throws(ClientError) {
                    let connection = try await ServerConnection.connect(to: session.address)
                    inbox.yield(.connected(connection, authMessage: session.authMessage))
                } catch {
                    inbox.yield(.adapter(.startFailed(error.description)))
                }
                for await _ in done {}
                return .sessionOver
            }
            inbox.yield(.launchEnded(exit))
        }
    }
}
