import NIOCore
import QdbProtocol

/// Splits the tracer link into frame bodies: a 4-byte signed big-endian
/// length, then that many bytes. A length that is negative or above the
/// limit throws a `FrameError` as soon as the header is in, before any
/// room is made for the body.
struct TracerFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = ByteBuffer

    let maximumFrameBytes: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let header = buffer.getInteger(at: buffer.readerIndex, as: Int32.self) else { return .needMoreData }
        let length = try TracerFraming.validate(length: header, maximum: maximumFrameBytes)
        let bodyStart = buffer.readerIndex + TracerFraming.headerBytes
        guard let body = buffer.getSlice(at: bodyStart, length: length) else { return .needMoreData }
        buffer.moveReaderIndex(to: bodyStart + length)
        context.fireChannelRead(wrapInboundOut(body))
        return .continue
    }

    /// At end of stream, complete frames still count; a partial one is
    /// dropped with the connection.
    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}
