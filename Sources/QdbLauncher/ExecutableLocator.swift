#if canImport(Glibc)
import Glibc
#endif
import QdbClientSession

/// Finds `qdb-python` or a python the user names: a path as it is;
/// a name beside `qdb-cli` itself (the build or install directory), then
/// on `PATH`.
enum ExecutableLocator {
    static func path(of name: String) throws(ClientError) -> String {
        if name.contains("/") {
            guard access(name, X_OK) == 0 else {
                throw .cannotStartProgram("cannot run \(name): \(String(cString: strerror(errno)))")
            }
            return name
        }
        let candidates = ([ownDirectory].compactMap { $0 } + searchPath).map { $0 + "/" + name }
        guard let found = candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw .cannotStartProgram("cannot find \(name) beside qdb-cli or on PATH")
        }
        return found
    }

    private static var ownDirectory: String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let path = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.lastIndex(of: "/").map { String(path[..<$0]) }
    }

    private static var searchPath: [String] {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map(String.init)
    }
}
