import QdbClientSession

/// A `ws://HOST[:PORT]/PATH` address. Only plain `ws`: the server speaks no
/// TLS.
public struct WebSocketAddress: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    /// The request target, starting with `/`.
    public var path: String

    public init(host: String, port: Int, path: String = "/") {
        self.host = host
        self.port = port
        self.path = path
    }

    /// Reads an address such as `ws://localhost:8002/qdb` or
    /// `ws://[::1]:8002/qdb`.
    public init(parsing text: String) throws(ClientError) {
        guard text.hasPrefix("ws://") else { throw .invalidAddress(text) }
        let rest = text.dropFirst("ws://".count)
        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        let host: Substring
        let portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw .invalidAddress(text) }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let afterHost = authority[authority.index(after: close)...]
            guard afterHost.isEmpty || afterHost.hasPrefix(":") else { throw .invalidAddress(text) }
            portText = afterHost.isEmpty ? nil : afterHost.dropFirst()
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
            portText = nil
        }
        let port = portText.map { Int($0) } ?? 80
        guard !host.isEmpty, let port, (1...65535).contains(port) else { throw .invalidAddress(text) }
        self.init(host: String(host), port: port, path: path.isEmpty ? "/" : String(path))
    }

    /// Fills in the original client's address format: `{uuid}` becomes the
    /// session uuid, and `{{`/`}}` are literal braces, as in Python's
    /// `str.format`.
    public init(format: String, uuid: String) throws(ClientError) {
        var text = ""
        var rest = Substring(format)
        while let scalar = rest.first {
            if rest.hasPrefix("{uuid}") {
                text += uuid
                rest = rest.dropFirst("{uuid}".count)
            } else if rest.hasPrefix("{{") || rest.hasPrefix("}}") {
                text.append(scalar)
                rest = rest.dropFirst(2)
            } else if scalar == "{" || scalar == "}" {
                throw .invalidAddressFormat(format)
            } else {
                text.append(scalar)
                rest = rest.dropFirst()
            }
        }
        try self.init(parsing: text)
    }

    /// The `Host` header: IPv6 literals go back in brackets.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == 80 ? name : "\(name):\(port)"
    }

    public var description: String {
        "ws://\(hostHeader)\(path)"
    }
}
