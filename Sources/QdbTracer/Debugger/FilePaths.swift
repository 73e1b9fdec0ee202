import Glibc

/// File names as bdb's `canonic` makes them: absolute (against the working
/// directory) and normalised, `<string>`-style pseudo names untouched, and
/// `.pyc` mapped to its `.py`.
enum FilePaths {
    static func canonical(_ name: String, workingDirectory: String = currentDirectory()) -> String {
        if name.hasPrefix("<") && name.hasSuffix(">") {
            return name
        }
        var path = name.hasPrefix("/") ? name : workingDirectory + "/" + name
        if path.hasSuffix(".pyc") {
            path.removeLast()
        }
        return normalized(path)
    }

    /// posixpath.normpath for absolute paths: no `.`, `..` or repeated `/`.
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "/" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// True when `path` is `directory` or inside it.
    static func isInside(_ path: String, directory: String) -> Bool {
        let prefix = directory.hasSuffix("/") ? directory : directory + "/"
        return path == directory || path.hasPrefix(prefix)
    }
}
