public import ConcertProtocol
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// A plain blocking TCP socket that speaks raw bytes, used to test the server without
/// any client library. Every call blocks, so tests run it through ``onThread(_:)``.
public final class RawConnection: @unchecked Sendable {
    private let fd: Int32
    private var pending: [UInt8] = []

    /// Connects to `host` (an IPv4 address, loopback by default) on `port`; reads give up after
    /// `receiveTimeout` seconds.
    public init(host: String = "127.0.0.1", port: Int, receiveTimeout: Int = 10) throws {
        fd = try Self.connectedSocket(host: host, port: port, receiveTimeout: receiveTimeout)
    }

    /// The only owner of `fd` closes it, once: a descriptor closed twice may by then belong
    /// to someone else in this process (a database file, a server socket).
    deinit { close(fd) }

    /// A socket connected to `host`:`port`; on failure nothing is left open.
    private static func connectedSocket(host: String, port: Int, receiveTimeout: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawConnectionError.system("socket", errno) }
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let failure = errno
            close(fd)
            throw RawConnectionError.system("connect", failure)
        }
        return fd
    }

    /// Sends every byte of `bytes`.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw RawConnectionError.system("send", errno) }
            offset += sent
        }
    }

    /// Sends one frame holding `message`.
    public func sendFrame(_ message: some ProtoMessage) throws {
        var buffer = ByteBuffer()
        FrameParser.writeFrame(message, into: &buffer)
        try send(Array(buffer.readableBytesView))
    }

    /// Closes the sending half, so the server sees end of stream.
    public func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads the next frame body, or nil when the server closed the connection.
    public func readFrame() throws -> [UInt8]? {
        guard let prefix = try read(count: 4) else { return nil }
        let length = prefix.reduce(0) { ($0 << 8) | Int($1) }
        return try read(count: length)
    }

    /// Reads the next frame and decodes it as a response envelope.
    public func readResponse() throws -> ResponseEnvelope? {
        guard let frame = try readFrame() else { return nil }
        return try ResponseEnvelope(serializedBytes: frame)
    }

    /// Reads everything the server sends until it closes the connection.
    public func readToEnd() throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received == 0 { break }
            guard received > 0 else { throw RawConnectionError.system("recv", errno) }
            pending += chunk[0..<received]
        }
        defer { pending = [] }
        return pending
    }

    /// True when the server has closed the connection (a read returns end of stream).
    public func isClosedByServer() throws -> Bool {
        try read(count: 1) == nil
    }

    private func read(count: Int) throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while pending.count < count {
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received == 0 { return nil }
            guard received > 0 else { throw RawConnectionError.system("recv", errno) }
            pending += chunk[0..<received]
        }
        let result = Array(pending[0..<count])
        pending.removeFirst(count)
        return result
    }
}

/// A socket call that failed.
public enum RawConnectionError: Error {
    /// The system call named by the string failed with the errno.
    case system(String, Int32)
}

/// Runs blocking work on its own thread, keeping Swift's cooperative pool free for the
/// server under test.
public func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
