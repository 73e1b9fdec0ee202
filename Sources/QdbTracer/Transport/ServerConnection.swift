import Glibc
import QdbProtocol

/// Why connecting to the server failed.
struct ConnectionFailure: Error, CustomStringConvertible {
    let description: String
}

/// The tracer's TCP link to the qdb server: length-prefixed JSON frames
/// (docs/protocol.md, "Ports and framing"). A reader thread owns the receiving side; any
/// thread may send, one message at a time.
///
/// `@unchecked Sendable`: the socket descriptor is immutable, `isOpen` is
/// only touched under `lock`, and the reader's state lives on its thread.
final class ServerConnection: @unchecked Sendable {
    /// A send that cannot finish in this time means the server is stuck:
    /// the tracer gives up on it rather than hang the program.
    static let sendTimeoutSeconds = 30
    static let connectTimeoutMilliseconds: Int32 = 2000

    private let socket: Int32
    private let lock = ConditionLock()
    private var isOpen = true
    private var readerRunning = false
    private var isAbandoned = false

    private init(socket: Int32) {
        self.socket = socket
    }

    /// Connects to `host:port`, trying `attempts` times.
    static func connect(host: String, port: Int, attempts: Int) throws(ConnectionFailure) -> ServerConnection {
        var lastError = "no attempt made"
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 {
                usleep(UInt32(min(100_000 * attempt, 500_000)))
            }
            switch openSocket(host: host, port: port) {
            case .success(let socket):
                return ServerConnection(socket: socket)
            case .failure(let error):
                lastError = error.description
            }
        }
        throw ConnectionFailure(description: lastError)
    }

    private static func openSocket(host: String, port: Int) -> Result<Int32, ConnectionFailure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            return .failure(ConnectionFailure(description: "cannot resolve \(host): \(String(cString: gai_strerror(status)))"))
        }
        defer { freeaddrinfo(list) }
        var failure = ConnectionFailure(description: "no address for \(host)")
        var current: UnsafeMutablePointer<addrinfo>? = list
        while let address = current {
            current = address.pointee.ai_next
            let descriptor = Glibc.socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { continue }
            if connect(descriptor, to: address.pointee) {
                configure(descriptor)
                return .success(descriptor)
            }
            failure = ConnectionFailure(description: "cannot connect to \(host):\(port): \(String(cString: strerror(errno)))")
            Glibc.close(descriptor)
        }
        return .failure(failure)
    }

    /// A connect that gives up after `connectTimeoutMilliseconds`.
    private static func connect(_ descriptor: Int32, to address: addrinfo) -> Bool {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        defer { _ = fcntl(descriptor, F_SETFL, flags) }
        if Glibc.connect(descriptor, address.ai_addr, address.ai_addrlen) == 0 {
            return true
        }
        guard errno == EINPROGRESS else { return false }
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, connectTimeoutMilliseconds) == 1 else {
            errno = ETIMEDOUT
            return false
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
        errno = error
        return error == 0
    }

    private static func configure(_ descriptor: Int32) {
        var on: Int32 = 1
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_KEEPALIVE, &on, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: sendTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends one message; false once the connection is gone (then it is
    /// closed, and the reader reports the end).
    @discardableResult
    func send(_ message: Message) -> Bool {
        let frame = TracerFraming.frame(message)
        return lock.withLock {
            guard isOpen else { return false }
            var sent = 0
            while sent < frame.count {
                let count = frame.withUnsafeBytes {
                    Glibc.send(socket, $0.baseAddress! + sent, $0.count - sent, Int32(MSG_NOSIGNAL))
                }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    shutDownLocked()
                    return false
                }
                sent += count
            }
            return true
        }
    }

    /// Starts the reader thread: every message is handed to `onMessage`;
    /// `onClose` is called once at the end, with the reason.
    func startReading(
        maximumFrameBytes: Int,
        onMessage: @escaping @Sendable (Message) -> Void,
        onClose: @escaping @Sendable (String) -> Void
    ) -> Bool {
        lock.withLock { readerRunning = true }
        let thread = startThread { [self] in
            PythonGIL.keepingThreadState {
                onClose(readLoop(maximumFrameBytes: maximumFrameBytes, onMessage: onMessage))
            }
            lock.withLock {
                shutDownLocked()
                readerRunning = false
                lock.broadcast()
            }
        }
        guard let thread else {
            lock.withLock { readerRunning = false }
            return false
        }
        pthread_detach(thread)
        return true
    }

    private func readLoop(maximumFrameBytes: Int, onMessage: (Message) -> Void) -> String {
        var decoder = FrameDecoder(maximumFrameBytes: maximumFrameBytes)
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            if count < 0 && errno == EINTR { continue }
            if count == 0 { return "the server closed the connection" }
            if count < 0 { return "connection error: \(String(cString: strerror(errno)))" }
            decoder.append(buffer[0..<count])
            do {
                while let body = try decoder.nextFrame() {
                    onMessage(try Message(bytes: body))
                }
            } catch {
                return "invalid data from the server: \(error)"
            }
        }
    }

    /// Closes the connection. With `waitingForReader`, waits (up to a
    /// second) for the reader thread to finish, so that it never runs into
    /// interpreter shutdown; never wait from the reader thread itself.
    func close(waitingForReader: Bool = false) {
        lock.withLock {
            shutDownLocked()
            guard waitingForReader else { return }
            let deadline = Deadline.after(seconds: 1)
            while readerRunning, lock.wait(until: deadline) {}
        }
    }

    /// In a forked child, which shares the socket with its parent: close
    /// only this process's descriptor (a shutdown would cut the parent off)
    /// and never take the lock, which a parent thread may have held at the
    /// fork.
    func abandonAfterFork() {
        isOpen = false
        Glibc.close(socket)
        isAbandoned = true
    }

    private func shutDownLocked() {
        guard isOpen else { return }
        isOpen = false
        shutdown(socket, Int32(SHUT_RDWR))
    }

    deinit {
        if !isAbandoned {
            Glibc.close(socket)
        }
    }
}
