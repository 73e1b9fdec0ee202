import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import QdbClientSession
import QdbProtocol

/// A client's WebSocket connection to a qdb server: one protocol message
/// per text frame, both ways.
public final class ServerConnection: Sendable {
    /// The server refuses messages above 16 MiB; so does the client.
    static let maximumMessageBytes = TracerFraming.defaultMaximumFrameBytes

    public let address: WebSocketAddress
    /// Everything the server sends, ending with `.closed`.
    public let events: AsyncStream<ConnectionEvent>
    private let channel: Channel

    private init(address: WebSocketAddress, channel: Channel, events: AsyncStream<ConnectionEvent>) {
        self.address = address
        self.channel = channel
        self.events = events
    }

    /// Connects and completes the WebSocket handshake, each step within
    /// `timeout`.
    public static func connect(
        to address: WebSocketAddress,
        timeout: TimeAmount = .seconds(10),
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws(ClientError) -> ServerConnection {
        let (channel, upgrade): (Channel, EventLoopFuture<UpgradeResult>)
        do {
            (channel, upgrade) = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .connect(host: address.host, port: address.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        (channel, try configureUpgrade(of: channel, to: address))
                    }
                }
        } catch {
            throw .cannotConnect(address: address.description, reason: ConnectionFailure.describe(error))
        }
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        let result: UpgradeResult
        do {
            result = try await upgrade.get()
        } catch {
            channel.close(promise: nil)
            throw .handshakeTimedOut(address: address.description)
        }
        switch result {
        case .upgraded(let events):
            return ServerConnection(address: address, channel: channel, events: events)
        case .notUpgraded:
            channel.close(promise: nil)
            throw .upgradeRefused(address: address.description)
        }
    }

    private enum UpgradeResult: Sendable {
        case upgraded(AsyncStream<ConnectionEvent>)
        case notUpgraded
    }

    private static func configureUpgrade(
        of channel: Channel, to address: WebSocketAddress
    ) throws -> EventLoopFuture<UpgradeResult> {
        let upgrader = NIOTypedWebSocketClientUpgrader<UpgradeResult>(
            maxFrameSize: maximumMessageBytes,
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    let (events, continuation) = AsyncStream.makeStream(of: ConnectionEvent.self)
                    let operations = channel.pipeline.syncOperations
                    try operations.addHandler(
                        NIOWebSocketFrameAggregator(
                            minNonFinalFragmentSize: 0, maxAccumulatedFrameCount: Int.max,
                            maxAccumulatedFrameSize: maximumMessageBytes))
                    try operations.addHandler(WebSocketMessageHandler(events: continuation))
                    return .upgraded(events)
                }
            })
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: address.hostHeader)
        headers.add(name: "Content-Length", value: "0")
        let request = HTTPRequestHead(version: .http1_1, method: .GET, uri: address.path, headers: headers)
        let configuration = NIOTypedHTTPClientUpgradeConfiguration(
            upgradeRequestHead: request, upgraders: [upgrader],
            notUpgradingCompletionHandler: { channel in channel.eventLoop.makeSucceededFuture(.notUpgraded) })
        return try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(
            configuration: .init(upgradeConfiguration: configuration))
    }

    /// Sends a message; a failure shows up as the connection closing.
    public func send(_ message: Message) {
        let data = channel.allocator.buffer(bytes: message.serializedBytes())
        channel.writeAndFlush(WebSocketFrame(fin: true, opcode: .text, maskKey: .random(), data: data), promise: nil)
    }

    /// Sends a close frame and closes the connection once it is written.
    public func close() {
        var status = channel.allocator.buffer(capacity: 2)
        status.write(webSocketErrorCode: .normalClosure)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: .random(), data: status)
        let channel = self.channel
        channel.writeAndFlush(frame).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Says in a few words why a connection attempt failed.
enum ConnectionFailure {
    static func describe(_ error: any Error) -> String {
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first {
                return describe(first.error)
            }
            return error.dnsAError != nil || error.dnsAAAAError != nil
                ? "cannot resolve host \(error.host)" : "no address for host \(error.host)"
        }
        if let error = error as? IOError {
            return error.errnoCode == ECONNREFUSED
                ? "connection refused (is qdb-server running?)" : String(cString: strerror(error.errnoCode))
        }
        if case .connectTimeout? = error as? ChannelError {
            return "timed out"
        }
        return "\(error)"
    }
}
