import ConcertStore
import Synchronization

/// Whether the server is serving, as reported by the health check: not while it shuts down,
/// and not while writes fail because the disk is full or the database cannot be written.
final class ServingState: Sendable {
    private let serving = Atomic<Bool>(true)
    private let store: ConcertStore

    /// The serving state of a server over `store`.
    init(store: ConcertStore) {
        self.store = store
    }

    /// True until shutdown begins, and while writes commit.
    var isServing: Bool { serving.load(ordering: .relaxed) && store.storageProblem == nil }

    /// Marks the server as shutting down.
    func stopServing() { serving.store(false, ordering: .relaxed) }
}
