import ConcertDomain
import Synchronization

/// Whether writes can commit now, as the writer last saw: a write that failed because the
/// disk is full or the database cannot be written marks the storage failing; the next
/// commit that changed something marks it writable again.
final class StorageHealth: Sendable {
    private let failure = Mutex<ConcertError.Reason?>(nil)

    /// The reason writes fail now (STORAGE_FULL or STORAGE_UNAVAILABLE), or nil while they commit.
    var problem: ConcertError.Reason? { failure.withLock { $0 } }

    /// Records the outcome `error` of a write: storage failures mark the storage failing.
    func record(_ error: any Error) {
        guard let reason = Self.storageFailure(error) else { return }
        failure.withLock { $0 = reason }
    }

    /// Records a commit that wrote something.
    func recordCommit() {
        failure.withLock { $0 = nil }
    }

    /// The storage reason of `error`, or nil when it is not a storage failure.
    static func storageFailure(_ error: any Error) -> ConcertError.Reason? {
        guard let error = error as? ConcertError,
            error.reason == .storageFull || error.reason == .storageUnavailable
        else { return nil }
        return error.reason
    }
}
