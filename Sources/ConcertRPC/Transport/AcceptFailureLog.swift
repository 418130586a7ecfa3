internal import Logging
internal import NIOCore
internal import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decides how long to pause accepting after `accept` fails, and logs the failures at most
/// once a second. Out of descriptors (EMFILE, ENFILE), accepting again at once would spin a
/// core on the same error; pausing lets connections close and descriptors come back.
final class AcceptFailureLog: Sendable {
    private let logger: Logger
    private let failures = Mutex(LogThrottle())

    init(logger: Logger) {
        self.logger = logger
    }

    /// The pause before the next accept after `error`: 100 ms when out of descriptors, 10 ms otherwise.
    func backoff(after error: IOError) -> TimeAmount {
        let outOfDescriptors = error.errnoCode == EMFILE || error.errnoCode == ENFILE
        if let failures = failures.withLock({ $0.occurred() }) {
            logger.error(
                outOfDescriptors
                    ? "cannot accept connections: out of file descriptors; pausing accepts"
                    : "cannot accept connections",
                metadata: ["error": "\(error)", "failures": "\(failures)"])
        }
        return outOfDescriptors ? .milliseconds(100) : .milliseconds(10)
    }
}
