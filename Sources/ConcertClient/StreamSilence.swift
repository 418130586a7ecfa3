import Synchronization

/// When a server stream was last heard from, so a watchdog can tell a live stream from a dead connection.
final class StreamSilence: Sendable {
    private let lastHeard = Mutex(ContinuousClock.now)

    /// Records that a frame arrived now.
    func heard() {
        lastHeard.withLock { $0 = .now }
    }

    /// How long the stream has been silent.
    var duration: Duration { ContinuousClock.now - lastHeard.withLock { $0 } }
}
