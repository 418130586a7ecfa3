import Synchronization

/// Counts the write transactions committed in this process, by any store: a reader keeps its snapshot
/// only while no commit of this process has happened since it began, so every read sees this process's
/// writes that completed before it.
enum CommitGeneration {
    private static let counter = Atomic<UInt64>(0)

    /// The current count.
    static var current: UInt64 { counter.load(ordering: .acquiring) }

    /// Records a commit; call after COMMIT returned and before its callers are answered.
    static func advance() {
        counter.add(1, ordering: .releasing)
    }
}
