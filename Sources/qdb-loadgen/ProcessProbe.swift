#if canImport(Glibc)
import Glibc
#endif

/// What Linux's /proc says about one process: its resident memory, the CPU
/// time it used, its open files and how many it may open.
struct ProcessProbe: Sendable {
    let pid: pid_t

    static var current: ProcessProbe { ProcessProbe(pid: getpid()) }

    /// `VmRSS`: the memory the process has in RAM, in bytes.
    func residentBytes() throws -> Int {
        let status = try readText("/proc/\(pid)/status")
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let fields = line.split(whereSeparator: \.isWhitespace)
            if fields.count >= 2, let kibibytes = Int(fields[1]) {
                return kibibytes * 1024
            }
        }
        throw LoadError("No VmRSS in /proc/\(pid)/status")
    }

    /// User plus system CPU time so far, in seconds.
    func cpuSeconds() throws -> Double {
        let stat = try readText("/proc/\(pid)/stat")
        // The command name (field 2) may hold spaces; the fields after its
        // closing parenthesis start at field 3, so utime (14) and stime
        // (15) are the 12th and 13th.
        guard let nameEnd = stat.lastIndex(of: ")") else { throw LoadError("Unreadable /proc/\(pid)/stat") }
        let fields = stat[stat.index(after: nameEnd)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw LoadError("Unreadable /proc/\(pid)/stat")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// How many file descriptors the process has open.
    func openFileCount() throws -> Int {
        guard let directory = opendir("/proc/\(pid)/fd") else { throw LoadError("Cannot list /proc/\(pid)/fd") }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let isDotEntry = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !isDotEntry {
                count += 1
            }
        }
        return count
    }

    /// The soft limit on open files (`RLIMIT_NOFILE`), from
    /// /proc/PID/limits: the line `Max open files  SOFT  HARD  files`.
    func openFileLimit() throws -> Int {
        let limits = try readText("/proc/\(pid)/limits")
        for line in limits.split(separator: "\n") where line.hasPrefix("Max open files") {
            let fields = line.dropFirst("Max open files".count).split(whereSeparator: \.isWhitespace)
            if let soft = fields.first {
                return Int(soft) ?? Int.max  // "unlimited"
            }
        }
        throw LoadError("No open file limit in /proc/\(pid)/limits")
    }

    /// Sessions of a tracer and `clientsPerSession` clients the process can
    /// still hold, each connection taking one file descriptor.
    func sessionRoom(clientsPerSession: Int) throws -> Int {
        try (openFileLimit() - openFileCount()) / (1 + clientsPerSession)
    }
}

/// Raises this process's soft limit on open files to the hard limit: each
/// connection is a file descriptor, and the default soft limit (often
/// 1024) is far below what thousands of sessions need.
func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
}
