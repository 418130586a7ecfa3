internal import CoreMetrics
internal import Synchronization

/// The transport's metrics, through swift-metrics: connections open, accepted and refused
/// (`concert_connections_open`, `concert_connections_total{outcome}`), and the frames and calls the
/// transport answers itself without a handler (`concert_refused_total{reason}`: framing violations,
/// envelopes over their limits, SERVER_OVERLOADED, SHUTTING_DOWN, DEADLINE_EXCEEDED, CANCELLED).
final class TransportMetrics: Sendable {
    private let open = Meter(label: "concert_connections_open")
    private let accepted = Counter(label: "concert_connections_total", dimensions: [("outcome", "accepted")])
    private let refusedConnections = Counter(label: "concert_connections_total", dimensions: [("outcome", "refused")])
    private let refusals = Mutex<[String: Counter]>([:])

    /// A connection was admitted.
    func connectionOpened() {
        accepted.increment()
        open.increment()
    }

    /// An admitted connection closed.
    func connectionClosed() {
        open.decrement()
    }

    /// A connection was refused (the server holds as many as it allows).
    func connectionRefused() {
        refusedConnections.increment()
    }

    /// The transport answered a frame or a call itself, for `reason` (an ``ErrorReason`` name).
    func refused(_ reason: String) {
        let counter = refusals.withLock { counters in
            if let counter = counters[reason] { return counter }
            let counter = Counter(label: "concert_refused_total", dimensions: [("reason", reason)])
            counters[reason] = counter
            return counter
        }
        counter.increment()
    }
}
