import ConcertProtocol
import Synchronization

/// The calls a client has in flight, so that closing it can refuse new ones and wait for these.
final class InFlightCalls: Sendable {
    private struct State {
        var count = 0
        var closing = false
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Counts a call in; UNAVAILABLE / `CONNECTION_CLOSED` once the client is closing.
    func enter() throws(RPCError) {
        let admitted = state.withLock { state -> Bool in
            guard !state.closing else { return false }
            state.count += 1
            return true
        }
        guard admitted else { throw .clientClosed }
    }

    /// Counts a call out, waking the closer when it was the last.
    func leave() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.count -= 1
            guard state.count == 0 else { return [] }
            defer { state.drainWaiters.removeAll() }
            return state.drainWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Whether new calls are refused.
    var isClosing: Bool { state.withLock { $0.closing } }

    /// Refuses new calls from now on.
    func refuseNewCalls() {
        state.withLock { $0.closing = true }
    }

    /// Refuses new calls and waits until every call in flight has finished.
    func drain() async {
        await withCheckedContinuation { continuation in
            let drained = state.withLock { state -> Bool in
                state.closing = true
                guard state.count > 0 else { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if drained { continuation.resume() }
        }
    }
}
