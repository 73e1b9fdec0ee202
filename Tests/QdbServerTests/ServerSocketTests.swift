import Foundation
import QdbProtocol
import QdbServer
import QdbTestSupport
import Testing

/// The NIO layer over real loopback sockets: an in-process server on
/// ephemeral ports, raw peers from QdbTestSupport.
@Suite(.serialized) struct ServerSocketTests {
    private func withServer(
        _ configure: (inout ServerConfiguration) -> Void = { _ in }, _ body: (QdbServer) async throws -> Void
    ) async throws {
        var configuration = ServerConfiguration()
        configuration.tracerPort = 0
        configuration.clientPort = 0
        configure(&configuration)
        let server = try await QdbServer.start(configuration)
        do {
            try await body(server)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    private func attachedTracer(
        _ server: QdbServer, uuid: String, auth: String = "", local: (Int32, Int32) = (0, 0)
    ) throws -> TracerTestPeer {
        let tracer = try TracerTestPeer(port: server.tracerPort)
        try tracer.send(TracerTestPeer.start(uuid: uuid, auth: auth, local: local))
        return tracer
    }

    /// A client that attached and whose start reached `tracer`.
    private func attachedClient(_ server: QdbServer, uuid: String, tracer: TracerTestPeer) throws -> WebSocketTestClient {
        let client = try WebSocketTestClient(port: server.clientPort, path: "/\(uuid)")
        try client.send(Message("start", ""))
        #expect(try tracer.receiveMessage() == Message("start", ""))
        return client
    }

    @Test func relaysBothWaysAndKeepsTheFirstStopForTheFirstClient() async throws {
        try await withServer { server in
            let tracer = try attachedTracer(server, uuid: "u1")
            try tracer.send(Message("watchlist", []))
            try tracer.send(text: #"{"e": "stack", "p": {"index": 0}, "extra": 1}"#)
            let first = try WebSocketTestClient(port: server.clientPort, path: "/u1")
            try first.send(Message("start", ""))
            #expect(try first.receiveMessage() == Message("watchlist", []))
            #expect(try first.receiveMessage() == Message("stack", ["index": 0]))
            #expect(try tracer.receiveMessage() == Message("start", ""))
            let second = try attachedClient(server, uuid: "u1", tracer: tracer)
            try tracer.send(Message("breakpoints", []))
            #expect(try first.receiveMessage() == Message("breakpoints", []))
            #expect(try second.receiveMessage() == Message("breakpoints", []))
            try second.send(text: #"{"e": "step", "x": 1}"#)
            #expect(try tracer.receiveMessage() == Message("step", .null))
            #expect(try first.isQuiet(for: 0.2))
        }
    }

    @Test func aPathTheRouteDoesNotMatchIsUpgradedThenClosed() async throws {
        try await withServer({ $0.route = "/session/(.+)" }) { server in
            let client = try WebSocketTestClient(port: server.clientPort, path: "/other/u1")
            #expect(client.handshakeStatus == 101)
            #expect(try client.receive() == .close(code: 1005))
            let matching = try WebSocketTestClient(port: server.clientPort, path: "/SESSION/u1")
            try matching.send(Message("start", ""))
            #expect(try matching.isQuiet(for: 0.2))  // waiting for its tracer
        }
    }

    @Test func plainHTTPIsAnsweredUpgradeRequired() async throws {
        try await withServer { server in
            let socket = try BlockingSocket(host: "127.0.0.1", port: server.clientPort)
            try socket.send(Array("GET /u1 HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
            let head = try socket.receive(through: Array("\r\n\r\n".utf8), before: Deadline(seconds: 5))
            #expect(String(decoding: head, as: UTF8.self).hasPrefix("HTTP/1.1 426 Upgrade Required"))
            #expect(try socket.receiveEndOfStream(before: Deadline(seconds: 5)))
        }
    }

    /// Frames whose length takes 7, 16 or 64 bits in the WebSocket header,
    /// and a burst of messages, which the server sends in one write.
    @Test func framesMessagesOfEveryLengthAndBurstsInOrder() async throws {
        try await withServer { server in
            let tracer = try attachedTracer(server, uuid: "u1")
            let client = try attachedClient(server, uuid: "u1", tracer: tracer)
            let emptyLength = Message("print", "").serializedBytes().count
            for length in [125, 126, 65535, 65536, 100_000] {
                let message = Message("print", .string(String(repeating: "x", count: length - emptyLength)))
                try tracer.send(message)
                #expect(try client.receive() == .text(String(decoding: message.serializedBytes(), as: UTF8.self)))
            }
            let burst = (0..<1000).map { Message("print", ["output": JSONValue($0)]) }
            try tracer.sendRaw(burst.flatMap(TracerFraming.frame))
            for message in burst {
                #expect(try client.receiveMessage() == message)
            }
        }
    }

    @Test func answersPingsAndAssemblesFragmentsAndReadsBinaryAsText() async throws {
        try await withServer { server in
            let tracer = try attachedTracer(server, uuid: "u1")
            let client = try attachedClient(server, uuid: "u1", tracer: tracer)
            try client.sendFrame(.ping, [1, 2, 3])
            #expect(try client.receive() == .pong([1, 2, 3]))
            try client.sendFrame(.text, Array(#"{"e": "ev"#.utf8), fin: false)
            try client.sendFrame(.ping, [9])
            try client.sendFrame(.continuation, Array(#"al", "p": "#.utf8), fin: false)
            try client.sendFrame(.continuation, Array(#""é"}"#.utf8))
            #expect(try client.receive() == .pong([9]))
            #expect(try tracer.receiveMessage() == Message("eval", "é"))
            try client.sendFrame(.binary, Array(#"{"e": "locals"}"#.utf8))
            #expect(try tracer.receiveMessage() == Message("locals"))
        }
    }

    @Test func malformedClientMessagesCloseThatClientAlone() async throws {
        try await withServer { server in
            let tracer = try attachedTracer(server, uuid: "u1")
            let keeper = try attachedClient(server, uuid: "u1", tracer: tracer)
            let cases: [(send: (WebSocketTestClient) throws -> Void, error: String)] = [
                ({ try $0.send(text: "{bad") }, "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
                ({ try $0.send(text: #"{"p": 1}"#) }, "No 'e' field sent"),
                // JSON that is not an object: the original's texts, from
                // Python's `message['e']`.
                ({ try $0.send(text: "[1,2]") }, "list indices must be integers or slices, not str"),
                ({ try $0.send(text: #""abc""#) }, "string indices must be integers, not 'str'"),
                ({ try $0.send(text: "123") }, "'int' object is not subscriptable"),
                ({ try $0.send(text: "null") }, "'NoneType' object is not subscriptable"),
                ({ try $0.send(text: "true") }, "'bool' object is not subscriptable"),
                ({ try $0.send(text: "1.5") }, "'float' object is not subscriptable"),
                ({ try $0.sendFrame(.binary, [0x22, 0xFF, 0x22]) }, "Invalid UTF-8 in string: line 1 column 2 (char 1)"),
                ({ try $0.sendFrame(.continuation, Array("{}".utf8)) }, "Continuation frame without a message to continue"),
            ]
            for (send, expectedError) in cases {
                let client = try attachedClient(server, uuid: "u1", tracer: tracer)
                try send(client)
                #expect(try client.receiveUntilClose() == ([Message.errorMessage("event", expectedError)], 1005))
            }
            try tracer.send(Message("stack"))
            #expect(try keeper.receiveMessage() == Message("stack"))
            #expect(try tracer.isQuiet(for: 0.2))
        }
    }

    @Test func aMessageAboveTheLimitIsRefusedWithoutBeingRead() async throws {
        try await withServer({ $0.maximumMessageBytes = 1000 }) { server in
            let tracer = try attachedTracer(server, uuid: "u1")
            let keeper = try attachedClient(server, uuid: "u1", tracer: tracer)
            let limitError = Message.errorMessage("event", "Message exceeds the limit of 1000 bytes")

            let huge = try attachedClient(server, uuid: "u1", tracer: tracer)
            try huge.sendFrameHeader(.text, announcing: 1 << 40)
            let (messages, code) = try huge.receiveUntilClose()
            #expect(messages == [limitError] && code == 1005)

            let fragmented = try attachedClient(server, uuid: "u1", tracer: tracer)
            try fragmented.sendFrame(.text, Array(repeating: 0x20, count: 600), fin: false)
            try fragmented.sendFrame(.continuation, Array(repeating: 0x20, count: 600))
            #expect(try fragmented.receiveUntilClose() == ([limitError], 1005))

            try keeper.send(Message("step"))
            #expect(try tracer.receiveMessage() == Message("step"))
        }
    }

    @Test func refusedTracerFrameLengthsEndOnlyThatTracer() async throws {
        try await withServer({ $0.maximumMessageBytes = 1000 }) { server in
            let other = try attachedTracer(server, uuid: "other")
            let otherClient = try attachedClient(server, uuid: "other", tracer: other)

            let negative = try TracerTestPeer(port: server.tracerPort)
            try negative.sendRaw([0xFF, 0xFF, 0xFF, 0xFF])
            #expect(try negative.receiveUntilEndOfStream()
                == [Message.errorMessage("socket", FrameError.negativeLength(-1).description)])

            let tracer = try attachedTracer(server, uuid: "u1")
            let client = try attachedClient(server, uuid: "u1", tracer: tracer)
            try tracer.sendRaw([0x00, 0x00, 0x03, 0xE9])  // 1001 bytes announced
            let error = Message.errorMessage("socket", FrameError.tooLarge(length: 1001, maximum: 1000).description)
            #expect(try tracer.receiveUntilEndOfStream() == [error, Message("disable", "soft")])
            #expect(try client.receiveUntilClose() == ([error, Message("disable")], 1005))

            try other.send(Message("stack"))
            #expect(try otherClient.receiveMessage() == Message("stack"))
        }
    }

    @Test func badTracerStartsAreTurnedAwayWithTheOriginalsWords() async throws {
        try await withServer({ $0.tracerAuthToken = "s3cret" }) { server in
            let other = try attachedTracer(server, uuid: "other", auth: "s3cret")
            let cases: [(send: (TracerTestPeer) throws -> Void, error: String)] = [
                ({ try $0.send(text: "nope") }, "First event must be of type: 'start'"),
                ({ try $0.send(Message("hello")) }, "First event must be of type: 'start'"),
                ({ try $0.send(Message("start", ["uuid": "u1", "auth": "s3cret"])) }, "Missing 'local' field"),
                ({ try $0.send(Message("start", ["local": [0, 0], "auth": "s3cret"])) }, "Missing 'uuid' field"),
                ({ try $0.send(TracerTestPeer.start(uuid: "u1", auth: "wrong")) }, "Authentication failed"),
                ({ try $0.send(TracerTestPeer.start(uuid: "other", auth: "s3cret")) }, "Session other already has a tracer"),
            ]
            for (send, expectedError) in cases {
                let tracer = try TracerTestPeer(port: server.tracerPort)
                try send(tracer)
                #expect(try tracer.receiveUntilEndOfStream() == [Message.errorMessage("auth", expectedError)])
            }
            let client = try WebSocketTestClient(port: server.clientPort, path: "/other")
            try client.send(Message("start", ""))
            #expect(try other.receiveMessage() == Message("start", ""))
        }
    }

    @Test func silenceUntilTheAuthTimeoutIsNoStart() async throws {
        try await withServer({ $0.authTimeout = .milliseconds(200) }) { server in
            let tracer = try TracerTestPeer(port: server.tracerPort)
            let client = try WebSocketTestClient(port: server.clientPort, path: "/u1")
            #expect(try tracer.receiveUntilEndOfStream() == [Message.errorMessage("auth", "No start event received")])
            #expect(try client.receiveUntilClose()
                == ([Message.errorMessage("auth", "No start event received"), Message("disable")], 1005))
        }
    }

    @Test func aClientWithTheWrongTokenIsTurnedAway() async throws {
        try await withServer({ $0.clientAuthToken = "s3cret" }) { server in
            let tracer = try attachedTracer(server, uuid: "u1")
            let client = try WebSocketTestClient(port: server.clientPort, path: "/u1")
            try client.send(Message("start", "wrong"))
            #expect(try client.receiveUntilClose()
                == ([Message.errorMessage("auth", "Authentication failed"), Message("disable")], 1005))
            let first = try WebSocketTestClient(port: server.clientPort, path: "/u1")
            try first.send(text: "not json")
            #expect(try first.receiveUntilClose() == ([
                Message.errorMessage("event", "Expecting value: line 1 column 1 (char 0)"),
                Message.errorMessage("auth", "No start event received"), Message("disable"),
            ], 1005))
            #expect(try tracer.isQuiet(for: 0.2))
        }
    }

    @Test func eachSideWaitsForTheOtherOnlyUntilTheAttachTimeout() async throws {
        try await withServer({ $0.attachTimeout = .milliseconds(300) }) { server in
            let client = try WebSocketTestClient(port: server.clientPort, path: "/nobody")
            try client.send(Message("start", ""))
            #expect(try client.receiveUntilClose()
                == ([Message.errorMessage("tracer", "No tracer"), Message("disable")], 1005))
            let tracer = try attachedTracer(server, uuid: "lonely")
            #expect(try tracer.receiveUntilEndOfStream()
                == [Message.errorMessage("client", "No client"), Message("disable", "soft")])
        }
    }

    @Test func badJSONFromATracerEndsItsSessionOnly() async throws {
        try await withServer { server in
            let other = try attachedTracer(server, uuid: "other")
            let otherClient = try attachedClient(server, uuid: "other", tracer: other)
            let cases: [(send: (TracerTestPeer) throws -> Void, error: Message)] = [
                ({ try $0.send(text: "{not json") }, Message.errorMessage(
                    "socket", "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)")),
                ({ try $0.send(text: #"{"p": 1}"#) }, Message.errorMessage("event", "No 'e' field sent")),
            ]
            for (send, error) in cases {
                let tracer = try attachedTracer(server, uuid: "u1")
                let client = try attachedClient(server, uuid: "u1", tracer: tracer)
                try send(tracer)
                #expect(try client.receiveUntilClose() == ([error, Message("disable")], 1005))
                #expect(try tracer.receiveUntilEndOfStream() == [Message("disable", "soft")])
            }
            try other.send(Message("stack"))
            #expect(try otherClient.receiveMessage() == Message("stack"))
        }
    }

    @Test func aTracerThatDisconnectsEndsItsSession() async throws {
        try await withServer { server in
            let tracer = try attachedTracer(server, uuid: "u1")
            let client = try attachedClient(server, uuid: "u1", tracer: tracer)
            tracer.close()
            let (messages, code) = try client.receiveUntilClose()
            #expect(code == 1005)
            #expect(messages.map(\.name) == ["error", "disable"])
            #expect(messages.first?.payload["type"] == "socket")
        }
    }

    @Test func aClientsCloseFrameIsAnsweredAndTheTracerToldNothing() async throws {
        try await withServer { server in
            let tracer = try attachedTracer(server, uuid: "u1")
            let client = try attachedClient(server, uuid: "u1", tracer: tracer)
            try client.sendFrame(.close, [0x03, 0xE8])
            #expect(try client.receive() == .close(code: 1005))
            #expect(try client.receivesEndOfStream())
            #expect(try tracer.isQuiet(for: 0.3))
            _ = try attachedClient(server, uuid: "u1", tracer: tracer)
        }
    }

    @Test func shutdownEndsEverySessionAsTheProtocolSays() async throws {
        var configuration = ServerConfiguration()
        configuration.tracerPort = 0
        configuration.clientPort = 0
        let server = try await QdbServer.start(configuration)
        let tracer = try attachedTracer(server, uuid: "u1")
        let client = try attachedClient(server, uuid: "u1", tracer: tracer)
        await server.shutdown()
        #expect(try client.receiveUntilClose() == ([Message("disable")], 1005))
        #expect(try tracer.receiveUntilEndOfStream() == [Message("disable", "soft")])
        #expect(throws: (any Error).self) { try TracerTestPeer(port: server.tracerPort, timeout: 1) }
        await server.shutdown()
    }

    @Test func pauseSignalsALocalTracersProcess() async throws {
        try await withServer { server in
            let program = try ChildProcess("/bin/sleep", ["30"])
            let tracer = try attachedTracer(server, uuid: "u1", local: (program.pid, SIGUSR1))
            let client = try attachedClient(server, uuid: "u1", tracer: tracer)
            try client.send(Message("pause"))
            #expect(program.waitForExit(timeout: 5) == SIGUSR1)
            #expect(!program.exitedNormally)
            #expect(try tracer.isQuiet(for: 0.2))
        }
    }

    @Test func manySessionsStayApart() async throws {
        try await withServer { server in
            let uuids = (0..<20).map { "session-\($0)" }
            let tracers = try uuids.map { try attachedTracer(server, uuid: $0) }
            let clients = try zip(uuids, tracers).map { uuid, tracer in
                try (0..<2).map { _ in try attachedClient(server, uuid: uuid, tracer: tracer) }
            }
            for (uuid, tracer) in zip(uuids, tracers) {
                try tracer.send(Message("print", .string(uuid)))
            }
            for (uuid, pair) in zip(uuids, clients) {
                for client in pair {
                    #expect(try client.receiveMessage() == Message("print", .string(uuid)))
                }
                try pair[1].send(Message("eval", .string(uuid)))
            }
            for (uuid, tracer) in zip(uuids, tracers) {
                #expect(try tracer.receiveMessage() == Message("eval", .string(uuid)))
            }
        }
    }

    @Test func bindsEphemeralPorts() async throws {
        try await withServer { server in
            #expect(server.tracerPort > 0 && server.clientPort > 0 && server.tracerPort != server.clientPort)
        }
    }
}

extension Message {
    static func errorMessage(_ type: String, _ text: String) -> Message {
        Message("error", ErrorInfo(type: type, text).json)
    }
}
