import Foundation
import QdbProtocol
import QdbTestSupport
import Testing

/// An editor's side of the Debug Adapter Protocol, driving a real
/// `qdb-dap --port 0` over TCP: requests numbered in order, responses
/// matched to them, and every event kept in order of arrival.
final class DAPTestClient {
    let adapter: ChildProcess
    private let socket: BlockingSocket
    private var seq = 0
    /// Events not yet taken by `event(_:)`.
    private var events: [JSONValue] = []
    private var responses: [Int: JSONValue] = [:]

    init() throws {
        adapter = try ChildProcess(try Executables.path(of: "qdb-dap"), ["--port", "0"])
        let port = try adapter.waitForOutput { ServerProcess.port(after: "waiting for an editor on ", in: $0) }
        socket = try BlockingSocket(host: "127.0.0.1", port: port)
    }

    deinit {
        socket.close()
        adapter.kill()
    }

    /// Sends a request and returns its response (success or not).
    @discardableResult
    func request(_ command: String, _ arguments: JSONValue = [:], timeout: Double = 15) throws -> JSONValue {
        let sent = try send(["type": "request", "command": .string(command), "arguments": arguments])
        let deadline = Deadline(seconds: timeout)
        while responses[sent] == nil {
            try receiveOne(before: deadline, awaiting: "the response to \(command)")
        }
        return responses.removeValue(forKey: sent) ?? .null
    }

    /// Sends a request that must succeed, and returns its body.
    @discardableResult
    func succeed(
        _ command: String, _ arguments: JSONValue = [:], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> JSONValue {
        let response = try request(command, arguments)
        #expect(response["success"] == true, "\(command): \(response)", sourceLocation: sourceLocation)
        return response["body"] ?? .null
    }

    /// Sends `message` with the next `seq`, and returns that `seq`.
    @discardableResult
    func send(_ message: JSONValue) throws -> Int {
        seq += 1
        var members = message.objectValue?.members.map { ($0.key, $0.value) } ?? []
        members.insert(("seq", JSONValue(seq)), at: 0)
        try sendRaw(body: JSONValue.object(JSONObject(members)).serializedBytes())
        return seq
    }

    func sendRaw(body: [UInt8]) throws {
        try socket.send(Array("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }

    /// The next event named `name`; earlier events of other names stay
    /// for later calls.
    func event(_ name: String, timeout: Double = 15) throws -> JSONValue {
        let deadline = Deadline(seconds: timeout)
        while true {
            if let index = events.firstIndex(where: { $0["event"]?.stringValue == name }) {
                return events.remove(at: index)["body"] ?? .null
            }
            try receiveOne(before: deadline, awaiting: "a \(name) event")
        }
    }

    /// Every `output` event's text so far, in order (consumed).
    func takeOutput() -> String {
        let outputs = events.filter { $0["event"] == "output" }
        events.removeAll { $0["event"] == "output" }
        return outputs.compactMap { $0["body"]?["output"]?.stringValue }.joined()
    }

    /// Whether the adapter closed the connection before `timeout`.
    func waitForClose(timeout: Double = 10) throws -> Bool {
        let deadline = Deadline(seconds: timeout)
        do {
            while true {
                try receiveOne(before: deadline)
            }
        } catch TestSupportError.connectionClosed(_) {
            return true
        }
    }

    /// Receives the next message; a timeout says what was `awaiting` and
    /// which events came meanwhile.
    private func receiveOne(before deadline: Deadline, awaiting: String) throws {
        do {
            try receiveOne(before: deadline)
        } catch TestSupportError.timedOut(let what) {
            let seen = events.compactMap { $0["event"]?.stringValue }
            throw TestSupportError.timedOut("\(what), awaiting \(awaiting) (events not taken: \(seen))")
        }
    }

    private func receiveOne(before deadline: Deadline) throws {
        let header = String(decoding: try socket.receive(through: Array("\r\n\r\n".utf8), before: deadline), as: UTF8.self)
        guard let length = header.split(separator: "\r\n").compactMap({ line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts.first == "Content-Length" ? Int(parts[1].trimmingCharacters(in: .whitespaces)) : nil
        }).first else { throw TestSupportError.timedOut("a Content-Length in \(header.debugDescription)") }
        let message = try JSONParser.parse(try socket.receive(exactly: length, before: deadline))
        if message["type"] == "response", let requestSeq = message["request_seq"]?.intValue {
            responses[requestSeq] = message
        } else {
            events.append(message)
        }
    }
}
