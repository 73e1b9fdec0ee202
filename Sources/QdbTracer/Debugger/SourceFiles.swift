import Glibc

/// The lines of source files, read from disk and cached until the file
/// changes: what `stack` shows as `code`, what `list` returns, and how a
/// breakpoint past the end of a file is detected.
struct SourceFiles {
    private struct Cached {
        var modified: timespec
        var size: Int
        var lines: [String]
    }

    private var cache: [String: Cached] = [:]

    /// The file's lines without their line endings (`\n`, `\r\n` or `\r`,
    /// as Python's universal newlines read them), or nil if it cannot be
    /// read.
    mutating func lines(of path: String) -> [String]? {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        if let cached = cache[path], cached.size == Int(status.st_size),
           cached.modified.tv_sec == status.st_mtim.tv_sec, cached.modified.tv_nsec == status.st_mtim.tv_nsec {
            return cached.lines
        }
        guard let bytes = Self.read(path) else { return nil }
        let lines = Self.split(String(decoding: bytes, as: UTF8.self))
        cache[path] = Cached(modified: status.st_mtim, size: Int(status.st_size), lines: lines)
        return lines
    }

    /// Line `number` (1-based) of `path`, or "" when there is none.
    mutating func line(_ number: Int, of path: String) -> String {
        guard let lines = lines(of: path), number >= 1, number <= lines.count else { return "" }
        return lines[number - 1]
    }

    static func split(_ text: String) -> [String] {
        var lines: [String] = []
        var current = ""
        var previousWasCarriageReturn = false
        for character in text.unicodeScalars {
            switch character {
            case "\r":
                lines.append(current)
                current = ""
                previousWasCarriageReturn = true
                continue
            case "\n":
                if !previousWasCarriageReturn {
                    lines.append(current)
                    current = ""
                }
            default:
                current.unicodeScalars.append(character)
            }
            previousWasCarriageReturn = false
        }
        if !current.isEmpty {
            lines.append(current)
        }
        return lines
    }

    private static func read(_ path: String) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }
}
