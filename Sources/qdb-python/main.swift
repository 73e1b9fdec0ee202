import Glibc
import QdbTracer

/// The `qdb` package: installed beside the binary (PREFIX/lib/qdb/python),
/// or, in a build tree, the repository's python/ folder.
func packageDirectory() -> String? {
    var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
    let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    var candidates: [String] = []
    if length > 0 {
        let executable = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let binDirectory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        candidates.append(binDirectory + "/../lib/qdb/python")
    }
    let source = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast(3).joined(separator: "/")
    candidates.append(source + "/python")
    return candidates.first { access($0 + "/qdb/__init__.py", R_OK) == 0 }
}

exit(EmbeddedPython.run(arguments: CommandLine.arguments, packageDirectory: packageDirectory()))
