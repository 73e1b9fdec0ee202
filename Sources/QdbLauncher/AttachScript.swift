#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QdbClientSession

/// The Python that `qdb-cli attach --pid` has the process run, in a private
/// folder (mode 0700; handed to the process's user when qdb-cli runs as
/// root), removed with this object: `attach.py` imports
/// qdb and starts tracing to the private server (`qdb._attach.start`),
/// which writes `result`, "ok" or why not. The auth token is in
/// `attach.py` only, never on a command line.
final class AttachScript: Sendable {
    private let folder: String
    /// The file the program runs (`sys.remote_exec`'s, or gdb's
    /// PyRun_SimpleFileExFlags): one line that runs `attach.py` in a
    /// namespace of its own, so that nothing is added to `__main__`.
    let launcherPath: String
    private let resultPath: String
    private let pid: Int32
    /// How the script's result starts when the program has no qdb.
    private static let importFailure = "no qdb: "

    /// The server is on this machine's loopback at `port`.
    init(for process: PythonProcess, port: Int, uuid: String, token: String) throws(ClientError) {
        pid = process.pid
        var template = Array("/tmp/qdb-attach-XXXXXX".utf8CString)
        guard mkdtemp(&template) != nil else {
            throw .cannotAttach(pid: pid, reason: "cannot create a folder in /tmp: \(String(cString: strerror(errno)))")
        }
        folder = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        resultPath = folder + "/result"
        let body = folder + "/attach.py"
        launcherPath = folder + "/launch.py"
        let launcher = "exec(compile(open(\(Self.literal(body))).read(), \(Self.literal(body)), 'exec'), "
            + "{'__name__': '__qdb_attach__'})"
        let options = [
            "host='127.0.0.1'", "port=\(port)", "uuid=\(Self.literal(uuid))", "auth_msg=\(Self.literal(token))",
            "retry_attempts=1",
        ]
        let script = """
            # qdb-cli attach --pid \(pid): removed once the program has run it.
            try:
                from qdb import _attach
            except ImportError as error:
                with open(\(Self.literal(resultPath)), 'w') as result:
                    result.write('\(Self.importFailure)%s' % error)
            else:
                _attach.start(\(Self.literal(resultPath)), \(options.joined(separator: ", ")))

            """
        do {
            try Self.write(script, to: body)
            try Self.write(launcher + "\n", to: launcherPath)
        } catch {
            remove()
            throw .cannotAttach(pid: pid, reason: "cannot write \(folder): \(error)")
        }
        // A program of another user (qdb-cli runs as root) must read the
        // script and write its result.
        if geteuid() == 0 && process.owner != 0 {
            for path in [folder, body, launcherPath] {
                _ = chown(path, process.owner, process.group)
            }
        }
    }

    deinit {
        remove()
    }

    /// Waits until the program has run the script: returns once it is
    /// attached, throws if it could not be or does not within `timeout`.
    func waitForResult(executable: String, timeout: Duration) async throws(ClientError) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let result = try? String(contentsOfFile: resultPath, encoding: .utf8), !result.isEmpty {
                if result == "ok" {
                    return
                }
                if result.hasPrefix(Self.importFailure) {
                    throw .cannotAttach(
                        pid: pid,
                        reason: "its python (\(executable)) cannot import qdb (\(result.dropFirst(Self.importFailure.count))): "
                            + "install qdb for it, `make install PYTHON=\(executable)` in qdb's source folder")
                }
                throw .cannotAttach(pid: pid, reason: "qdb could not start in it: \(result)")
            }
            guard kill(pid, 0) == 0 || errno == EPERM else {
                throw .cannotAttach(pid: pid, reason: "the process ended")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        throw .cannotAttach(
            pid: pid,
            reason: "it did not run qdb's script within \(timeout): Python runs it between two bytecodes, "
                + "so a program blocked in a system call runs it only when the call returns")
    }

    private func remove() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// A Python string literal for `text`.
    private static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    private static func write(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(
            atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
