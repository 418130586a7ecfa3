internal import Logging
internal import NIOCore
internal import Synchronization

/// The open connections of one server: admits at most `limit`, refuses the rest with a
/// rate-limited log line, and closes every one hard when graceful shutdown runs out of time.
final class ConnectionRegistry: Sendable {
    private struct State {
        var channels: [ObjectIdentifier: any Channel] = [:]
        var refusals = LogThrottle()
    }

    /// The most connections open at once.
    let limit: Int
    private let logger: Logger
    private let state = Mutex(State())

    /// A registry admitting at most `limit` connections.
    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// The connections open now.
    var count: Int { state.withLock { $0.channels.count } }

    /// Registers `channel` and returns true when there is room; it leaves the registry when it closes.
    /// Otherwise counts a refusal (logged at most once a second) and returns false.
    func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        let (admitted, refusalsToLog) = state.withLock { state -> (Bool, Int?) in
            if state.channels.count < limit {
                state.channels[id] = channel
                return (true, nil)
            }
            return (false, state.refusals.occurred())
        }
        if admitted {
            channel.closeFuture.whenComplete { [self] _ in
                _ = state.withLock { $0.channels.removeValue(forKey: id) }
            }
        } else if let refusalsToLog {
            logger.warning(
                "refusing connections: the server holds as many as it allows (--max-connections)",
                metadata: ["limit": "\(limit)", "refused": "\(refusalsToLog)"])
        }
        return admitted
    }

    /// Closes every open connection at once, dropping whatever they have not sent.
    func closeAll() {
        let channels = state.withLock { Array($0.channels.values) }
        for channel in channels { channel.close(mode: .all, promise: nil) }
    }
}
