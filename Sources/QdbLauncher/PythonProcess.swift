#if canImport(Glibc)
import Glibc
#endif
import Foundation
import QdbClientSession

/// A running process `qdb-cli attach --pid` is to debug, as /proc shows
/// it: its executable, owner and CPython version.
struct PythonProcess {
    let pid: Int32
    /// What /proc/PID/exe points to.
    let executable: String
    let owner: uid_t
    let group: gid_t
    /// CPython's major and minor version, from the name of the executable
    /// or of the libpython it maps.
    let version: (major: Int, minor: Int)

    init(pid: Int32) throws(ClientError) {
        self.pid = pid
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else {
            throw .cannotAttach(pid: pid, reason: "no such process")
        }
        var status = stat()
        guard stat("/proc/\(pid)", &status) == 0 else {
            throw .cannotAttach(pid: pid, reason: "cannot read /proc/\(pid): \(String(cString: strerror(errno)))")
        }
        owner = status.st_uid
        group = status.st_gid
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/\(pid)/exe", &buffer, buffer.count - 1)
        guard count > 0 else {
            let reason = errno == EACCES || errno == EPERM
                ? Self.anotherUsersAdvice
                : "cannot read /proc/\(pid)/exe: \(String(cString: strerror(errno)))"
            throw .cannotAttach(pid: pid, reason: reason)
        }
        executable = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let maps = (try? String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8)) ?? ""
        guard let version = Self.version(executable: executable, maps: maps) else {
            throw .cannotAttach(pid: pid, reason: "\(executable) is not CPython (nor does it load libpython)")
        }
        guard version >= (3, 11) else {
            throw .cannotAttach(
                pid: pid, reason: "it runs Python \(version.major).\(version.minor); qdb debugs CPython 3.11 and newer")
        }
        self.version = version
    }

    /// `python3.N` as the executable's name, else a mapped `libpython3.N`.
    static func version(executable: String, maps: String) -> (major: Int, minor: Int)? {
        let name = executable.split(separator: "/").last.map(String.init) ?? executable
        let libraries = maps.split(separator: "\n").compactMap { $0.split(separator: "/").last.map(String.init) }
        let candidates = [name] + libraries.filter { $0.hasPrefix("libpython") }
        for candidate in candidates {
            for prefix in ["python", "libpython"] where candidate.hasPrefix(prefix) {
                let digits = candidate.dropFirst(prefix.count).prefix { $0.isNumber || $0 == "." }
                let parts = digits.split(separator: ".").compactMap { Int($0) }
                if parts.count >= 2 {
                    return (parts[0], parts[1])
                }
            }
        }
        return nil
    }

    /// Whether `sys.remote_exec` (PEP 768) can run the script.
    var hasRemoteExec: Bool {
        version >= (3, 14)
    }

    /// Why ptrace was refused, and what to do, for an error message.
    static var ptraceAdvice: String {
        let scope = (try? String(contentsOfFile: "/proc/sys/kernel/yama/ptrace_scope", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        switch scope {
        case "1":
            return "Yama's ptrace_scope is 1, which lets a process be traced by its parents only: "
                + "run qdb-cli as root, or allow it with `sysctl kernel.yama.ptrace_scope=0`"
        case "2":
            return "Yama's ptrace_scope is 2, which lets only root trace processes: run qdb-cli as root"
        case "3":
            return "Yama's ptrace_scope is 3, which forbids tracing until the next boot"
        default:
            return anotherUsersAdvice
        }
    }

    /// A process of another user may be traced by root only, and only with
    /// CAP_SYS_PTRACE, which containers drop by default.
    private static var anotherUsersAdvice: String {
        guard geteuid() == 0 else {
            return "it belongs to another user; attach as that user, or as root"
        }
        return hasPtraceCapability
            ? "ptrace was refused"
            : "it belongs to another user, and qdb-cli runs without CAP_SYS_PTRACE, "
                + "which a container drops unless given it (docker run --cap-add=SYS_PTRACE)"
    }

    /// CAP_SYS_PTRACE (bit 19) in this process's effective capabilities.
    private static var hasPtraceCapability: Bool {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let mask = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return true }
        return mask & (1 << 19) != 0
    }
}
