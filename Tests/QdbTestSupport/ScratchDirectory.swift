#if canImport(Glibc)
import Glibc
#endif

/// A new, empty directory under /tmp named after `prefix`, for a test's
/// HOME or files; the test removes it.
public func makeScratchDirectory(_ prefix: String) throws -> String {
    var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
    guard let path = mkdtemp(&template) else { throw TestSupportError.system("mkdtemp", errno: errno) }
    return String(cString: path)
}
