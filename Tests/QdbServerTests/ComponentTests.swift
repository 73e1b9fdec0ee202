import QdbProtocol
import Testing
@testable import QdbServer

@Suite struct AccessTokenTests {
    @Test func matchesOnlyTheSameText() {
        let token = AccessToken("s3cret")
        #expect(token.isMatched(by: "s3cret"))
        for guess in ["", "s3cre", "s3cret!", "S3cret", "s3cres", "é"] {
            #expect(!token.isMatched(by: guess), "\(guess)")
        }
        #expect(AccessToken("").isMatched(by: ""))
        #expect(!AccessToken("").isMatched(by: "x"))
    }

    @Test func withoutATokenEverythingPasses() {
        let none: AccessToken? = nil
        #expect(none.accepts(nil) && none.accepts("anything"))
        let empty: AccessToken? = AccessToken("")
        #expect(!empty.accepts(nil))
    }
}

@Suite struct ClientRouteTests {
    @Test func theDefaultRouteTakesTheWholePathAfterTheSlash() throws {
        let route = try ClientRoute(pattern: ServerConfiguration.defaultRoute)
        #expect(route.sessionUUID(forTarget: "/abc-123") == "abc-123")
        #expect(route.sessionUUID(forTarget: "/a/b?x=1") == "a/b")
        #expect(route.sessionUUID(forTarget: "/a%20b") == "a b")
        #expect(route.sessionUUID(forTarget: "/") == nil)
        #expect(route.sessionUUID(forTarget: "x/abc") == nil)
    }

    @Test func matchesCaseInsensitivelyFromTheStartOnly() throws {
        let route = try ClientRoute(pattern: "/websocket/([0-9a-f-]+)")
        #expect(route.sessionUUID(forTarget: "/WebSocket/ab-12/rest") == "ab-12")
        #expect(route.sessionUUID(forTarget: "/other/websocket/ab") == nil)
    }

    @Test(arguments: ["/(a)(b)", "/.+", "/(.+", "/(?P<uuid>.+)", "/(a)?"])
    func needsExactlyOneCaptureGroup(pattern: String) {
        #expect(throws: ConfigurationError.self) { try ClientRoute(pattern: pattern) }
    }

    @Test func keepsMalformedEscapes() {
        #expect(ClientRoute.percentDecoded("/100%/%4") == "/100%/%4")
        #expect(ClientRoute.percentDecoded("/%c3%a9") == "/é")
    }
}

@Suite struct DeadlineQueueTests {
    @Test func comesDueInOrder() {
        let start = ContinuousClock.now
        var queue = DeadlineQueue()
        #expect(queue.next == nil)
        for index in 0..<200 {
            queue.add(ConnectionID(UInt64(index)), dueAt: start + .seconds(index))
        }
        #expect(queue.next == start)
        #expect(queue.popDue(at: start - .seconds(1)) == nil)
        var due: [UInt64] = []
        while let id = queue.popDue(at: start + .seconds(149)) {
            due.append(id.rawValue)
        }
        #expect(due == Array(0..<150))
        #expect(queue.next == start + .seconds(150))
        queue.add(ConnectionID(999), dueAt: start + .seconds(500))
        while let id = queue.popDue(at: start + .seconds(1000)) {
            due.append(id.rawValue)
        }
        #expect(due == Array(0..<200) + [999])
        #expect(queue.next == nil)
    }
}

@Suite struct TracerBacklogTests {
    @Test func dropsPrintsOnlyAndCountsThem() {
        var backlog = TracerBacklog(capacity: 40)
        backlog.append(Message("print"), byteCount: 10)
        backlog.append(Message("stack"), byteCount: 25)
        backlog.append(Message("print"), byteCount: 10)
        // Over 40 bytes: prints go, oldest first, until 30 are left at most.
        #expect(!backlog.isOverCapacity && backlog.byteCount == 25)
        backlog.append(Message("stack"), byteCount: 25)
        #expect(backlog.isOverCapacity)
        let (messages, dropped) = backlog.removeAll()
        #expect(messages == [Message("stack"), Message("stack")])
        #expect(dropped == 2)
        #expect(backlog.isEmpty && backlog.byteCount == 0 && backlog.droppedPrintCount == 0)
    }
}

@Suite struct ServerConfigurationTests {
    @Test func theDefaultsAreValid() throws {
        let configuration = ServerConfiguration()
        try configuration.validate()
        #expect(configuration.tracerPort == 8001 && configuration.clientPort == 8002)
        #expect(configuration.tracerHost == "127.0.0.1" && configuration.clientHost == "127.0.0.1")
        #expect(configuration.authTimeout == .seconds(60) && configuration.attachTimeout == nil)
        #expect(configuration.maximumMessageBytes == 16 * 1024 * 1024)
    }

    @Test func rejectsWhatCannotWork() {
        var configurations: [ServerConfiguration] = []
        for change: (inout ServerConfiguration) -> Void in [
            { $0.tracerPort = 70000 }, { $0.clientPort = -1 }, { $0.authTimeout = .seconds(-1) },
            { $0.route = "/(a)(b)" }, { $0.maximumMessageBytes = 0 }, { $0.maximumMessageBytes = Int(Int32.max) + 1 },
            { $0.inactivityTimeout = .seconds(1); $0.sweepInterval = .zero },
        ] {
            var configuration = ServerConfiguration()
            change(&configuration)
            configurations.append(configuration)
        }
        for configuration in configurations {
            #expect(throws: ConfigurationError.self) { try configuration.validate() }
        }
    }
}
