/// Which session a client's WebSocket asks for: a regular expression over
/// the request path whose one capture group is the session uuid. Matched
/// as the original did with Python's `re.match(route, path, re.I)`:
/// case-insensitively and anchored at the start of the path only.
///
/// Not `Sendable` (the standard library's `Regex` is not): each server
/// compiles its own on its event loop.
struct ClientRoute {
    private let regex: Regex<(Substring, Substring)>

    /// Compiles `pattern`, which must have exactly one capture group
    /// (write other groups as `(?:…)`).
    init(pattern: String) throws(ConfigurationError) {
        do {
            regex = try Regex(pattern, as: (Substring, Substring).self).ignoresCase()
        } catch {
            throw ConfigurationError(
                "The route must be a regular expression with exactly one capture group: \(pattern) (\(error))")
        }
    }

    /// The session uuid a request target such as `/abc?x=1` names, or nil
    /// when the path does not match. The query is not part of the path,
    /// and the path is percent-decoded first, as WSGI's PATH_INFO was.
    func sessionUUID(forTarget target: String) -> String? {
        let path = Self.percentDecoded(target.prefix { $0 != "?" && $0 != "#" })
        guard let match = try? regex.prefixMatch(in: path) else { return nil }
        return String(match.output.1)
    }

    /// `%41` becomes `A`; a `%` not followed by two hex digits stays as it
    /// is, and bytes that are not UTF-8 become U+FFFD.
    static func percentDecoded(_ text: Substring) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
        let bytes = Array(text.utf8)
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
