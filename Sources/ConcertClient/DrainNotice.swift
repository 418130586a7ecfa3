import ConcertProtocol
import Synchronization

/// Whether a connection's server said it is draining (a rolling restart): it ended a stream with
/// `SERVER_DRAINING` or refused a call with `SHUTTING_DOWN`. Such a connection takes no new calls: the
/// next call opens a new one (through the balancer, to another server) while the calls already sent on
/// it are answered there.
final class DrainNotice: Sendable {
    private let draining = Atomic<Bool>(false)

    /// Whether the server said it is draining.
    var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Records `response` when it says its server is draining.
    func note(_ response: IncomingResponse) {
        guard ErrorReason(name: response.reason)?.meansServerIsDraining == true else { return }
        draining.store(true, ordering: .relaxed)
    }
}

extension ErrorReason {
    /// Whether a server answers with this reason only while it drains: the call or stream never ran, or
    /// stopped because the server is going away, and belongs on another server.
    var meansServerIsDraining: Bool { self == .serverDraining || self == .shuttingDown }
}
