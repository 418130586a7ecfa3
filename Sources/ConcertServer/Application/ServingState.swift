import Synchronization

/// Whether the server is serving or shutting down, as reported by the health check.
final class ServingState: Sendable {
    private let serving = Atomic<Bool>(true)

    /// True until shutdown begins.
    var isServing: Bool { serving.load(ordering: .relaxed) }

    /// Marks the server as shutting down.
    func stopServing() { serving.store(false, ordering: .relaxed) }
}
