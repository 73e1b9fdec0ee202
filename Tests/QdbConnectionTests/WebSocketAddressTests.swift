import QdbClientSession
import QdbConnection
import Testing

@Suite struct WebSocketAddressTests {
    @Test func fillsInTheOriginalFormat() throws {
        let address = try WebSocketAddress(format: "ws://localhost:8002/{uuid}", uuid: "qdb")
        #expect(address == WebSocketAddress(host: "localhost", port: 8002, path: "/qdb"))
        #expect(address.description == "ws://localhost:8002/qdb")
        #expect(try WebSocketAddress(format: "ws://h/{{x}}/{uuid}", uuid: "u").path == "/{x}/u")
        #expect(throws: ClientError.invalidAddressFormat("ws://h/{id}")) {
            try WebSocketAddress(format: "ws://h/{id}", uuid: "u")
        }
    }

    @Test func readsHostsAndPorts() throws {
        #expect(try WebSocketAddress(parsing: "ws://example.com") == WebSocketAddress(host: "example.com", port: 80))
        let ipv6 = try WebSocketAddress(parsing: "ws://[::1]:9000/s")
        #expect(ipv6 == WebSocketAddress(host: "::1", port: 9000, path: "/s"))
        #expect(ipv6.description == "ws://[::1]:9000/s")
        for bad in ["http://h/x", "ws://", "ws://h:0/x", "ws://h:99999/", "ws://h:port/", "ws://[::1/x", "wss://h/x"] {
            #expect(throws: ClientError.invalidAddress(bad)) { try WebSocketAddress(parsing: bad) }
        }
    }
}
