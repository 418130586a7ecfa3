import ConcertDomain
import Synchronization

/// Whether writes can commit now, as the writer last saw: a write that failed because the
/// disk is full or the database cannot be written marks the storage failing; the next
/// commit that changed something marks it writable again.
public final class StorageHealth: Sendable {
    /// Creates the health of storage that commits.
    public init() {}

    private let failure = Mutex<ConcertError.Reason?>(nil)

    /// The reason writes fail now (STORAGE_FULL or STORAGE_UNAVAILABLE), or nil while they commit.
    public var problem: ConcertError.Reason? { failure.withLock { $0 } }

    /// Records the outcome `error` of a write: storage failures mark the storage failing.
    public func record(_ error: any Error) {
        guard let reason = Self.storageFailure(error) else { return }
        failure.withLock { $0 = reason }
    }

    /// Records a commit that wrote something.
    public func recordCommit() {
        failure.withLock { $0 = nil }
    }

    /// The storage reason of `error`, or nil when it is not a storage failure.
    public static func storageFailure(_ error: any Error) -> ConcertError.Reason? {
        guard let error = error as? ConcertError,
            [.storageFull, .storageUnavailable, .databaseUnreachable].contains(error.reason)
        else { return nil }
        return error.reason
    }
}
