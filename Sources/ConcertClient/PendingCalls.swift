import ConcertProtocol
import NIOCore
import Synchronization

/// The calls of one connection that wait for their answers, by request id, with their deadlines.
///
/// Every call is completed exactly once: by its answer, its deadline, its task's cancellation, or the
/// connection failing — whichever comes first removes the entry and resumes the caller; the others
/// find nothing and do nothing. One timer per connection serves every deadline: it is armed for the
/// earliest one, and a call whose deadline is later than the armed timer's (the usual case, with one
/// timeout for all calls) arms nothing.
final class PendingCalls: Sendable {
    /// What a waiting call is resumed with.
    typealias Outcome = Result<IncomingResponse, RPCError>

    private struct Entry {
        var continuation: CheckedContinuation<Outcome, Never>
        var deadline: NIODeadline
        var timeout: Duration?
    }

    private struct State {
        var nextID: UInt64 = 1
        var entries: [UInt64: Entry] = [:]
        var failure: RPCError?
        var armed: NIODeadline?
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

    /// Registers the caller waiting for the answer to `id` until `timeout` from now (nil: with no
    /// deadline); when the connection has already failed the caller is resumed at once with that
    /// failure. Returns the deadline a timer must be armed for, when this call's is the earliest.
    func register(_ id: UInt64, _ continuation: CheckedContinuation<Outcome, Never>, timeout: Duration?) -> NIODeadline? {
        let deadline = timeout.map { NIODeadline.now() + TimeAmount($0) } ?? .distantFuture
        let (failure, arm) = state.withLock { state -> (RPCError?, NIODeadline?) in
            if let failure = state.failure { return (failure, nil) }
            state.entries[id] = Entry(continuation: continuation, deadline: deadline, timeout: timeout)
            guard timeout != nil, state.armed.map({ deadline < $0 }) ?? true else { return (nil, nil) }
            state.armed = deadline
            return (nil, deadline)
        }
        if let failure { continuation.resume(returning: .failure(failure)) }
        return arm
    }

    /// Fails the calls whose deadline passed by `now` (a timer armed for `firing` fired); returns the
    /// deadline to arm the next timer for, if one is needed.
    func expire(now: NIODeadline, firing: NIODeadline) -> NIODeadline? {
        let (expired, arm) = state.withLock { state -> ([Entry], NIODeadline?) in
            var expired: [Entry] = []
            var next: NIODeadline?
            for (id, entry) in state.entries {
                if entry.deadline <= now {
                    expired.append(entry)
                    state.entries[id] = nil
                } else if entry.timeout != nil, next.map({ entry.deadline < $0 }) ?? true {
                    next = entry.deadline
                }
            }
            // Another timer, armed for an earlier deadline since, serves the rest.
            guard state.armed == firing || state.armed == nil else { return (expired, nil) }
            state.armed = next
            return (expired, next)
        }
        for entry in expired {
            entry.continuation.resume(returning: .failure(.deadlineExceeded(after: entry.timeout ?? .zero)))
        }
        return arm
    }

    /// Completes the call `id` with `outcome`, if it is still waiting.
    func complete(_ id: UInt64, with outcome: Outcome) {
        guard let entry = state.withLock({ $0.entries.removeValue(forKey: id) }) else { return }
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
            entry.continuation.resume(returning: .failure(error))
        }
    }
}
