#if canImport(Glibc)
import Glibc
#endif
import QdbClientSession
import QdbConnection
import QdbProtocol
import QdbServer

/// `qdb-cli attach --pid PID`, like `python -m pdb -p PID`: a private
/// server inside this process, the running program made to import qdb and
/// trace to it (`CodeInjection`), and a client attached. The program stops
/// at its next line, in its main thread; every thread can be debugged, as
/// after `set_trace`. When the client is done (`quit` detaches), the
/// program runs on untraced.
public enum ProcessSession {
    /// How long the program may take to run the attach script: it runs
    /// between two bytecodes, after a system call it is blocked in.
    static let scriptTimeout: Duration = .seconds(30)

    public static func run(pid: Int32, attach: (PrivateSession) async -> ClientExit) async -> ClientExit {
        let server: QdbServer
        let token: String
        let process: PythonProcess
        let uuid = "attach-\(pid)-\(UInt32.random(in: 0...UInt32.max))"
        do throws(ClientError) {
            process = try PythonProcess(pid: pid)
            token = try AuthToken.random()
            server = try await PrivateServer.start(token: token, attachTimeout: scriptTimeout)
        } catch {
            return .failed(error)
        }
        do throws(ClientError) {
            // The script, with its token, is removed once run (or not).
            let script = try AttachScript(for: process, port: server.tracerPort, uuid: uuid, token: token)
            try await CodeInjection.run(script, in: process)
            try await script.waitForResult(executable: process.executable, timeout: scriptTimeout)
        } catch {
            await server.shutdown()
            return .failed(error)
        }
        let exit = await attach(PrivateSession(server: server, uuid: uuid, token: token))
        await server.shutdown()
        return exit
    }
}
