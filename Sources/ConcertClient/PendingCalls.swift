import ConcertProtocol
import NIOCore
import Synchronization

/// The calls of one connection that wait for their answers, by request id.
///
/// Every call is completed exactly once: by its answer, its local deadline, its task's
/// cancellation, or the connection failing — whichever comes first removes the entry
/// and resumes the caller; the others find nothing and do nothing.
final class PendingCalls: Sendable {
    /// What a waiting call is resumed with.
    typealias Outcome = Result<ResponseEnvelope, RPCError>

    private struct Entry {
        var continuation: CheckedContinuation<Outcome, Never>
        var deadline: Scheduled<Void>?
    }

    private struct State {
        var nextID: UInt64 = 1
        var entries: [UInt64: Entry] = [:]
        var failure: RPCError?
    }

    private let state = Mutex(State())

    /// The error the connection failed with, or nil while it is usable.
    var failure: RPCError? { state.withLock { $0.failure } }

    /// Reserves a fresh non-zero request id.
    func makeID() -> UInt64 {
        state.withLock { state in
            defer { state.nextID = state.nextID == UInt64.max ? 1 : state.nextID + 1 }
            return state.nextID
        }
    }

    /// Registers the caller waiting for the answer to `id`; when the connection has
    /// already failed the caller is resumed at once with that failure.
    func register(_ id: UInt64, _ continuation: CheckedContinuation<Outcome, Never>) {
        let failure = state.withLock { state -> RPCError? in
            if let failure = state.failure { return failure }
            state.entries[id] = Entry(continuation: continuation)
            return nil
        }
        if let failure { continuation.resume(returning: .failure(failure)) }
    }

    /// Attaches the local deadline timer to the call `id`, or cancels the timer when the
    /// call has already completed.
    func attach(_ deadline: Scheduled<Void>, to id: UInt64) {
        let attached = state.withLock { state in
            guard state.entries[id] != nil else { return false }
            state.entries[id]?.deadline = deadline
            return true
        }
        if !attached { deadline.cancel() }
    }

    /// Completes the call `id` with `outcome`, if it is still waiting.
    func complete(_ id: UInt64, with outcome: Outcome) {
        guard let entry = state.withLock({ $0.entries.removeValue(forKey: id) }) else { return }
        entry.deadline?.cancel()
        entry.continuation.resume(returning: outcome)
    }

    /// Marks the connection failed with `error` and fails every waiting call with it.
    /// Only the first failure counts; later calls of this method do nothing.
    func failAll(_ error: RPCError) {
        let entries = state.withLock { state -> [Entry] in
            guard state.failure == nil else { return [] }
            state.failure = error
            defer { state.entries.removeAll() }
            return Array(state.entries.values)
        }
        for entry in entries {
            entry.deadline?.cancel()
            entry.continuation.resume(returning: .failure(error))
        }
    }
}
