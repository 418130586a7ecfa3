import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs `body` with a loopback port that refuses connections: a socket is bound to it and never listens, so
/// a connection attempt is refused, and no server started meanwhile (by this test or one running beside
/// it) can take the port, as it could once a port learnt by binding was released.
func withRefusingPort<Value>(_ body: (Int) async throws -> Value) async throws -> Value {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw POSIXError(.EMFILE) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
        }
    }
    guard bound else { throw POSIXError(.EADDRINUSE) }
    return try await body(Int(UInt16(bigEndian: address.sin_port)))
}
