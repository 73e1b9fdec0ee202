/// The secret a start message must carry (`--tracer-auth`,
/// `--client-auth`). The comparison takes a time that depends only on the
/// token's length, so response times tell a guesser nothing about how much
/// of a guess was right.
struct AccessToken: Sendable {
    private let bytes: [UInt8]

    init(_ token: String) {
        bytes = Array(token.utf8)
    }

    func isMatched(by candidate: String) -> Bool {
        var difference: UInt8 = candidate.utf8.count == bytes.count ? 0 : 1
        var candidateBytes = candidate.utf8.makeIterator()
        for byte in bytes {
            difference |= byte ^ (candidateBytes.next() ?? 0)
        }
        return difference == 0
    }
}

extension Optional where Wrapped == AccessToken {
    /// Whether a start carrying `auth` may pass: anything does when no
    /// token is configured; otherwise only a string equal to the token
    /// (nil stands for an `auth` that is not a string).
    func accepts(_ auth: String?) -> Bool {
        guard let token = self else { return true }
        guard let auth else { return false }
        return token.isMatched(by: auth)
    }
}
