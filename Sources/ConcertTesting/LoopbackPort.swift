import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A loopback TCP port held by a socket that is bound to it and never listens: while it is held, a
/// connection to the port is refused and no server can take it. Tests use it to learn a free port (then
/// release it) or to have a port that refuses connections.
public final class LoopbackPort: Sendable {
    /// The port number.
    public let port: Int
    private let descriptor: Int32

    /// Binds a new socket to a free port of 127.0.0.1.
    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(descriptor)
    }
}
