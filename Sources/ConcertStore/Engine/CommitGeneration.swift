import Synchronization

/// Counts the write transactions committed in this process, by any store and engine: a reader keeps its
/// snapshot only while no commit of this process has happened since it began, and a line view answers only
/// once it includes every commit counted when the question came, so every read sees this process's writes
/// that completed before it.
package enum CommitGeneration {
    private static let counter = Atomic<UInt64>(0)

    /// The current count.
    package static var current: UInt64 { counter.load(ordering: .acquiring) }

    /// Records a commit; call after COMMIT returned and before its callers are answered.
    package static func advance() {
        counter.add(1, ordering: .releasing)
    }
}
