#if canImport(Glibc)
import Glibc
#endif
import QdbProtocol

/// The original client's `/tmp/qdb/.<uuid>`: the session as shown on screen
/// (without colours) plus the lines typed, appended so that
/// `tail -f /tmp/qdb/.qdb` follows it from another terminal.
final class TranscriptFile {
    static let defaultDirectory = "/tmp/qdb"

    let path: String
    private let descriptor: Int32

    /// Opens (creating if needed) the file for `uuid` in `directory`; nil
    /// when it cannot be written, which costs the transcript, not the
    /// session.
    init?(uuid: String, directory: String = TranscriptFile.defaultDirectory) {
        // A uuid is part of a URL path and may hold a slash; it must not
        // lead the file out of the directory.
        let name = "." + uuid.map { $0 == "/" ? "_" : String($0) }.joined()
        path = directory + "/" + name
        _ = mkdir(directory, 0o777)
        // O_NOFOLLOW: /tmp is shared, and a planted symlink must not turn
        // our output into a write to someone else's file.
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
    }

    deinit {
        close(descriptor)
    }

    func append(_ lines: [String]) {
        writeAll(lines.map { $0 + "\n" }.joined(), to: descriptor)
    }
}
