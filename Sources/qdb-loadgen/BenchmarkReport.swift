import QdbProtocol

#if canImport(Glibc)
import Glibc
#endif

/// The machine a benchmark ran on, for the JSON results: a shared,
/// noisy machine's load matters when reading them.
enum MachineDescription {
    static var json: JSONValue {
        let loadAverage = (try? readText("/proc/loadavg"))?.split(separator: " ").prefix(3).compactMap { Double($0) }
        return [
            "cpus": JSONValue(Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))),
            "load_average": .array((loadAverage ?? []).map { JSONValue.number(JSONNumber($0)) }),
            "unix_time": JSONValue(time(nil)),
        ]
    }
}

extension JSONValue {
    /// `value` rounded to `places` decimals, as a JSON number.
    static func number(_ value: Double, places: Int) -> JSONValue {
        guard value.isFinite else { return .null }
        return .number(JSONNumber(literal: fixed(value, places)) ?? JSONNumber(value))
    }
}

/// Writes a benchmark's results as JSON to `path`, if one was given.
func writeResults(_ results: JSONValue, to path: String?) throws {
    guard let path else { return }
    try writeText(results.serialized() + "\n", to: path)
}
