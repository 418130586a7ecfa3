import NIOCore
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// Why a connection could not be opened, in a few plain words ("connection refused", "timed out"), in
/// place of the networking library's own description.
enum ConnectFailure {
    /// The words for `error`, as a connection attempt raised it.
    static func words(for error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if error.connectionErrors.isEmpty, error.dnsAError != nil || error.dnsAAAAError != nil {
                return "the host name does not resolve"
            }
            return error.connectionErrors.first.map { words(for: $0.error) } ?? "no address to connect to"
        case let error as IOError:
            return words(forErrno: error.errnoCode)
        case ChannelError.connectTimeout:
            return "timed out"
        case is SocketAddressError:
            return "the host name does not resolve"
        default:
            return "the connection could not be opened"
        }
    }

    /// The words for a failed `connect(2)`'s error number.
    private static func words(forErrno code: Int32) -> String {
        switch code {
        case ECONNREFUSED: "connection refused"
        case ETIMEDOUT: "timed out"
        case ENETUNREACH, EHOSTUNREACH: "network unreachable"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
