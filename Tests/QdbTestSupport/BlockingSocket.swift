import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking TCP client socket whose every read waits until a deadline
/// at most. Enough for test peers; not for production.
public final class BlockingSocket {
    private var descriptor: Int32
    /// Bytes read but not yet consumed.
    private var buffer: [UInt8] = []

    /// Connects to `host` (an IPv4 or IPv6 literal, or `localhost`).
    public init(host: String, port: Int, timeout: Double = 5) throws {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var results: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &results) == 0, let first = results else {
            throw TestSupportError.notFound("address \(host):\(port)")
        }
        defer { freeaddrinfo(results) }
        descriptor = socket(first.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw TestSupportError.system("socket", errno: errno) }
        var noDelay: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        // Connect without blocking so that the timeout applies.
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        if connect(descriptor, first.pointee.ai_addr, first.pointee.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else {
                let code = errno
                Glibc.close(descriptor)
                throw TestSupportError.system("connect to \(host):\(port)", errno: code)
            }
            var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&pollDescriptor, 1, Deadline(seconds: timeout).remainingMilliseconds)
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
            guard ready == 1, error == 0 else {
                Glibc.close(descriptor)
                if ready == 0 { throw TestSupportError.timedOut("connecting to \(host):\(port)") }
                throw TestSupportError.system("connect to \(host):\(port)", errno: error)
            }
        }
        _ = fcntl(descriptor, F_SETFL, flags)
    }

    deinit {
        close()
    }

    public var isClosed: Bool { descriptor < 0 }

    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestSupportError.system("send", errno: errno) }
            offset += sent
        }
    }

    /// Exactly `count` bytes; throws `connectionClosed` at end of stream
    /// and `timedOut` at the deadline.
    public func receive(exactly count: Int, before deadline: Deadline) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill(before: deadline) else {
                throw TestSupportError.connectionClosed("after \(buffer.count) of \(count) bytes")
            }
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer[..<count])
    }

    /// Bytes up to and including `delimiter`.
    public func receive(through delimiter: [UInt8], before deadline: Deadline) throws -> [UInt8] {
        while true {
            if let range = firstRange(of: delimiter) {
                defer { buffer.removeFirst(range.upperBound) }
                return Array(buffer[..<range.upperBound])
            }
            guard try fill(before: deadline) else {
                throw TestSupportError.connectionClosed("before \(String(decoding: delimiter, as: UTF8.self).debugDescription)")
            }
        }
    }

    /// True once the peer has closed its side and every byte was read;
    /// false if bytes arrive instead. Throws at the deadline.
    public func receiveEndOfStream(before deadline: Deadline) throws -> Bool {
        if !buffer.isEmpty { return false }
        return try !fill(before: deadline)
    }

    /// Closes both directions; later calls do nothing.
    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    /// Reads what is available into the buffer; false at end of stream.
    private func fill(before deadline: Deadline) throws -> Bool {
        var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pollDescriptor, 1, deadline.remainingMilliseconds)
        guard ready > 0 else {
            if ready == 0 { throw TestSupportError.timedOut("waiting for data") }
            throw TestSupportError.system("poll", errno: errno)
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(descriptor, &chunk, chunk.count, 0)
        if count < 0 {
            if errno == ECONNRESET { return false }
            throw TestSupportError.system("recv", errno: errno)
        }
        buffer.append(contentsOf: chunk[..<count])
        return count > 0
    }

    private func firstRange(of delimiter: [UInt8]) -> Range<Int>? {
        guard buffer.count >= delimiter.count else { return nil }
        for start in 0...(buffer.count - delimiter.count) where buffer[start..<start + delimiter.count].elementsEqual(delimiter) {
            return start..<start + delimiter.count
        }
        return nil
    }
}
