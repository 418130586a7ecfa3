internal import Logging
internal import NIOCore
internal import Synchronization

/// The open connections of one server: admits at most `limit`, refuses the rest with a
/// rate-limited log line, and closes every one hard when graceful shutdown runs out of time.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var refusals = LogThrottle()
        var lastNumber: UInt64 = 0
    }

    /// The most connections open at once.
    let limit: Int
    private let logger: Logger
    private let metrics: TransportMetrics
    private let state = Mutex(State())

    /// A registry admitting at most `limit` connections, counting them in `metrics`.
    init(limit: Int, logger: Logger, metrics: TransportMetrics) {
        self.limit = limit
        self.logger = logger
        self.metrics = metrics
    }

    /// The connections open now.
    var count: Int { state.withLock { $0.channels.count } }

    /// Registers `channel` and returns its number (1, 2, … in order of admission, for logs) when there is
    /// room; it leaves the registry when it closes. Otherwise counts a refusal (logged at most once a second)
    /// and returns nil.
    func admit(_ channel: any Channel) -> UInt64? {
        let id = ObjectIdentifier(channel)
        let (number, refusalsToLog) = state.withLock { state -> (UInt64?, Int?) in
            if state.channels.count < limit {
                state.channels[id] = channel
                state.lastNumber += 1
                return (state.lastNumber, nil)
            }
            return (nil, state.refusals.occurred())
        }
        guard let number else {
            metrics.connectionRefused()
            if let refusalsToLog {
                logger.warning(
                    "refusing connections: the server holds as many as it allows (--max-connections)",
                    metadata: ["limit": "\(limit)", "refused": "\(refusalsToLog)"])
            }
            return nil
        }
        metrics.connectionOpened()
        channel.closeFuture.whenComplete { [self] _ in
            _ = state.withLock { $0.channels.removeValue(forKey: id) }
            metrics.connectionClosed()
        }
        return number
    }

    /// Closes every open connection at once, dropping whatever they have not sent.
    func closeAll() {
        let channels = state.withLock { Array($0.channels.values) }
        for channel in channels { channel.close(mode: .all, promise: nil) }
    }
}
