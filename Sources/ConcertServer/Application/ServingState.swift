import ConcertStore
import Synchronization

/// Whether the server is serving, as reported by the health check: not while it shuts down,
/// not while writes fail because the disk is full or the database cannot be written, and not while
/// its view of the lines is behind the database by more than its bound (on PostgreSQL).
final class ServingState: Sendable {
    private let serving = Atomic<Bool>(true)
    private let store: ConcertStore

    /// The serving state of a server over `store`.
    init(store: ConcertStore) {
        self.store = store
    }

    /// True until shutdown begins, while writes commit and the view of the lines is fresh.
    var isServing: Bool {
        serving.load(ordering: .relaxed) && store.storageProblem == nil && !store.lineViewIsBehind
    }

    /// Marks the server as shutting down.
    func stopServing() { serving.store(false, ordering: .relaxed) }
}
