#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOWebSocket
import QdbProtocol
import Testing
@testable import QdbConnection
import QdbClientSession

/// The next connection event, within a deadline.
func nextEvent(of connection: ServerConnection, within timeout: Duration = .seconds(10)) async throws -> ConnectionEvent? {
    try await withDeadline(timeout) {
        var iterator = connection.events.makeAsyncIterator()
        return await iterator.next()
    }
}

@Suite struct ServerConnectionTests {
    @Test func exchangesMessagesBothWays() async throws {
        let server = try await TestWebSocketServer.start()
        let connection = try await ServerConnection.connect(to: WebSocketAddress(parsing: server.address))
        let peer = try await server.nextPeer()
        connection.send(Message("start", "s3cret"))
        #expect(try await peer.nextMessage() == Message("start", "s3cret"))
        peer.send("watchlist", [["expr": "x", "exc": .null, "value": 1]])
        #expect(try await nextEvent(of: connection) == .message(Message("watchlist", [["expr": "x", "exc": .null, "value": 1]])))
        connection.close()
        #expect(try await peer.nextMessage() == nil, "the client's close frame")
        try await server.shutdown()
    }

    @Test func receivesFragmentedMessagesWhole() async throws {
        let server = try await TestWebSocketServer.start()
        let connection = try await ServerConnection.connect(to: WebSocketAddress(parsing: server.address))
        let peer = try await server.nextPeer()
        let text = Message("list", .string(String(repeating: "line\n", count: 10_000))).serialized()
        let bytes = Array(text.utf8)
        let half = bytes.count / 2
        peer.send(WebSocketFrame(fin: false, opcode: .text, data: ByteBuffer(bytes: bytes[..<half])))
        peer.send(WebSocketFrame(fin: true, opcode: .continuation, data: ByteBuffer(bytes: bytes[half...])))
        #expect(try await nextEvent(of: connection) == .message(try Message(text: text)))
        connection.close()
        try await server.shutdown()
    }

    @Test func answersPings() async throws {
        let server = try await TestWebSocketServer.start()
        let connection = try await ServerConnection.connect(to: WebSocketAddress(parsing: server.address))
        let peer = try await server.nextPeer()
        peer.send(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "are you there")))
        let pong = try await withDeadline(.seconds(10)) {
            var iterator = server.pongs.makeAsyncIterator()
            return await iterator.next()
        }
        #expect(pong == "are you there")
        connection.close()
        try await server.shutdown()
    }

    @Test(arguments: [nil, WebSocketErrorCode.goingAway])
    func reportsACloseFrame(status: WebSocketErrorCode?) async throws {
        let server = try await TestWebSocketServer.start()
        let connection = try await ServerConnection.connect(to: WebSocketAddress(parsing: server.address))
        let peer = try await server.nextPeer()
        peer.send("disable")
        peer.sendClose(status: status)
        #expect(try await nextEvent(of: connection) == .message(Message("disable")))
        let expected: UInt16? = status.map { _ in 1001 }
        #expect(try await nextEvent(of: connection) == .closed(.closeFrame(status: expected)))
        #expect(try await peer.nextMessage() == nil, "the close frame is answered")
        try await server.shutdown()
    }

    @Test func reportsADroppedConnection() async throws {
        let server = try await TestWebSocketServer.start()
        let connection = try await ServerConnection.connect(to: WebSocketAddress(parsing: server.address))
        let peer = try await server.nextPeer()
        peer.drop()
        #expect(try await nextEvent(of: connection) == .closed(.connectionDropped))
        try await server.shutdown()
    }

    @Test func reportsFramesThatAreNotMessages() async throws {
        let server = try await TestWebSocketServer.start()
        let connection = try await ServerConnection.connect(to: WebSocketAddress(parsing: server.address))
        let peer = try await server.nextPeer()
        peer.send(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "{\"p\": 1}")))
        #expect(try await nextEvent(of: connection) == .unreadableFrame("No 'e' field sent"))
        connection.close()
        try await server.shutdown()
    }

    /// A refused connection is tested end to end, where a port can be
    /// held closed; here, the words for it.
    @Test func saysWhyAConnectionFailed() {
        #expect(ConnectionFailure.describe(IOError(errnoCode: ECONNREFUSED, reason: "connect"))
            == "connection refused (is qdb-server running?)")
        #expect(ConnectionFailure.describe(IOError(errnoCode: ENETUNREACH, reason: "connect")) == "Network is unreachable")
        #expect(ConnectionFailure.describe(ChannelError.connectTimeout(.seconds(10))) == "timed out")
    }

    @Test func failsClearlyWhenTheServerIsNotAWebSocketServer() async throws {
        let server = try await TestWebSocketServer.start(.notFound)
        let address = try WebSocketAddress(parsing: server.address)
        await #expect(throws: ClientError.upgradeRefused(address: address.description)) {
            _ = try await ServerConnection.connect(to: address)
        }
        try await server.shutdown()
    }

    @Test func givesUpOnASilentServer() async throws {
        let server = try await TestWebSocketServer.start(.silent)
        let address = try WebSocketAddress(parsing: server.address)
        await #expect(throws: ClientError.handshakeTimedOut(address: address.description)) {
            _ = try await ServerConnection.connect(to: address, timeout: .milliseconds(200))
        }
        try await server.shutdown()
    }
}
