#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Runs a program in a pseudo-terminal, as a user at a terminal would: the
/// test types into it and reads what it shows. Every wait has a deadline,
/// and the program is killed (by its pid) if the test leaves early.
final class PseudoTerminal {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    let pid: pid_t
    private let master: Int32
    /// Everything the program wrote, as received.
    private(set) var output: [UInt8] = []
    private var exitStatus: Int32?
    /// A directory of the test's (the program's HOME) to remove with the
    /// terminal.
    var scratchDirectory: String?

    init(executable: String, arguments: [String], environment: [String: String]) throws {
        // posix_openpt, unlockpt and ptsname are hidden from Swift behind
        // feature macros; these are the Linux ioctls they wrap.
        let unlockTerminal: UInt = 0x4004_5431  // TIOCSPTLCK
        let terminalNumber: UInt = 0x8004_5430  // TIOCGPTN
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlocked: Int32 = 0
        var number: Int32 = 0
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        guard master >= 0, ioctl(master, unlockTerminal, &unlocked) == 0, ioctl(master, terminalNumber, &number) == 0,
              ioctl(master, UInt(TIOCSWINSZ), &size) == 0
        else {
            throw Failure(description: "no pseudo-terminal: errno \(errno)")
        }
        let slavePath = "/dev/pts/\(number)"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // After setsid, opening the terminal makes it the controlling one, so
        // Ctrl-C typed into it reaches the program as SIGINT.
        posix_spawn_file_actions_addopen(&actions, 0, slavePath, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        // Nothing else is inherited: a test's sockets (a fake tracer's, say)
        // must close when the test closes them, not stay open in the child.
        for descriptor in Self.openDescriptors() {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        let startSession: Int16 = 0x80  // POSIX_SPAWN_SETSID, hidden like the above
        posix_spawnattr_setflags(&attributes, startSession)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard status == 0 else {
            close(master)
            throw Failure(description: "cannot start \(executable): errno \(status)")
        }
        self.pid = pid
    }

    /// This process's open descriptors above standard error.
    private static func openDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let descriptor = Int32(name), descriptor > 2 {
                descriptors.append(descriptor)
            }
        }
        return descriptors
    }

    /// A program still running when the test lets go (it failed) gets
    /// SIGTERM first, so that `qdb-cli run` stops its own child, then
    /// SIGKILL.
    deinit {
        defer {
            if let scratchDirectory {
                try? FileManager.default.removeItem(atPath: scratchDirectory)
            }
        }
        if exitStatus == nil {
            kill(pid, SIGTERM)
            if (try? waitForExit(timeout: .seconds(3))) == nil {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
        close(master)
    }

    func type(_ text: String) {
        var bytes = Array(text.utf8)
        _ = write(master, &bytes, bytes.count)
    }

    /// The output as a person would read it on the terminal: see
    /// `ScreenModel`.
    var screenText: String {
        var screen = ScreenModel()
        screen.feed(String(decoding: output, as: UTF8.self))
        return screen.text
    }

    /// Waits until the screen shows `text` `count` times in all; returns the
    /// screen.
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, timeout: Duration = .seconds(10)) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let screen = screenText
            if screen.occurrences(of: text) >= count { return screen }
            guard ContinuousClock.now < deadline, readOutput(until: deadline) else {
                throw Failure(description: "timed out waiting for \(text.debugDescription); screen:\n\(screen)")
            }
        }
    }

    /// Waits until `condition` holds of the screen and then nothing more
    /// comes for `quiet`; returns the screen.
    @discardableResult
    func waitUntil(
        quietFor quiet: Duration = .milliseconds(200), timeout: Duration = .seconds(10),
        _ condition: (String) -> Bool
    ) throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let screen = screenText
            let received = output.count
            if condition(screen) {
                _ = readOutput(until: min(deadline, ContinuousClock.now + quiet))
                if output.count == received { return screen }
                continue
            }
            guard ContinuousClock.now < deadline, readOutput(until: deadline) else {
                throw Failure(description: "timed out waiting; screen:\n\(screen)")
            }
        }
    }

    /// Does `action` again every `interval` until the screen shows `text`.
    func retry(
        until text: String, every interval: Duration = .seconds(1), timeout: Duration = .seconds(10),
        _ action: () -> Void
    ) throws {
        let deadline = ContinuousClock.now + timeout
        while true {
            action()
            do {
                try waitFor(text, timeout: interval)
                return
            } catch where ContinuousClock.now < deadline {
                continue
            }
        }
    }

    /// Waits for the program to exit; returns its exit status.
    func waitForExit(timeout: Duration = .seconds(10)) throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while true {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                _ = readOutput(until: ContinuousClock.now)
                let code = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
                exitStatus = code
                return code
            }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "\(pid) did not exit; screen:\n\(screenText)")
            }
            _ = readOutput(until: min(deadline, ContinuousClock.now + .milliseconds(50)))
        }
    }

    /// Reads what is available before `deadline`; false once the program
    /// closed the terminal.
    private func readOutput(until deadline: ContinuousClock.Instant) -> Bool {
        let milliseconds = max(0, ContinuousClock.now.duration(to: deadline) / .milliseconds(1))
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(milliseconds.rounded(.up))) > 0 else { return true }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        guard count > 0 else {
            // EIO: the program closed the terminal; nothing more will come.
            usleep(20_000)
            return false
        }
        output += buffer[..<count]
        return true
    }
}

extension String {
    func occurrences(of text: String) -> Int {
        ranges(of: text).count
    }
}

func readFile(_ path: String) throws -> String {
    let descriptor = open(path, O_RDONLY)
    guard descriptor >= 0 else { throw PseudoTerminal.Failure(description: "cannot open \(path)") }
    defer { close(descriptor) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return String(decoding: bytes, as: UTF8.self) }
        bytes += buffer[..<count]
    }
}

/// Just enough of a terminal to read what libedit draws: printing, carriage
/// return, newline, backspace, cursor moves and erasing; colours ignored.
/// Rows never scroll off, so the text is the whole session.
struct ScreenModel {
    private var rows: [[Character]] = [[]]
    private var row = 0
    private var column = 0

    var text: String {
        rows.map { String($0) }.joined(separator: "\n")
    }

    mutating func feed(_ text: String) {
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            switch character {
            case "\r": column = 0
            case "\n", "\r\n": newline()
            case "\u{08}": column = max(0, column - 1)
            case "\u{1B}": escape(&iterator)
            case "\u{07}": break
            default: put(character)
            }
        }
    }

    private mutating func newline() {
        row += 1
        column = 0
        if row == rows.count { rows.append([]) }
    }

    private mutating func put(_ character: Character) {
        while rows[row].count < column { rows[row].append(" ") }
        if column < rows[row].count {
            rows[row][column] = character
        } else {
            rows[row].append(character)
        }
        column += 1
    }

    /// CSI sequences: ESC [ parameters final-byte.
    private mutating func escape(_ iterator: inout String.Iterator) {
        guard iterator.next() == "[" else { return }
        var parameters = ""
        while let character = iterator.next() {
            guard let ascii = character.asciiValue, !(0x40...0x7E).contains(ascii) else {
                let count = max(1, Int(parameters) ?? 1)
                switch character {
                case "K": rows[row].removeSubrange(min(column, rows[row].count)...)
                case "J":
                    rows[row].removeSubrange(min(column, rows[row].count)...)
                    rows.removeSubrange((row + 1)...)
                case "A": row = max(0, row - count)
                case "B": row = min(rows.count - 1, row + count)
                case "C": column += count
                case "D": column = max(0, column - count)
                case "G": column = count - 1
                default: break
                }
                return
            }
            parameters.append(character)
        }
    }
}
