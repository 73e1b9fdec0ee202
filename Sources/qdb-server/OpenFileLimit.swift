#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Raises the soft limit on open files to the hard limit. Every connection
/// is a file descriptor (a session takes one for its tracer and one per
/// client), and the usual soft limit of 1024 would turn sessions away long
/// before memory runs short: 10,000 sessions need 20,000. The hard limit
/// is the administrator's, and stays.
func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(openFiles, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(openFiles, &limit)
}

#if canImport(Glibc)
/// Glibc declares the resources as an enum; `getrlimit` takes the number.
private let openFiles = Int32(RLIMIT_NOFILE.rawValue)
#else
private let openFiles = RLIMIT_NOFILE
#endif
