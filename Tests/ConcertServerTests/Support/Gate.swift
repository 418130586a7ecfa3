import Synchronization

/// Holds callers of ``wait()`` until ``open()``; lets tests order events without sleeping.
final class Gate: Sendable {
    private struct State {
        var isOpen = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Suspends until the gate is open.
    func wait() async {
        await withCheckedContinuation { continuation in
            let passThrough = state.withLock { state in
                if state.isOpen { return true }
                state.waiters.append(continuation)
                return false
            }
            if passThrough { continuation.resume() }
        }
    }

    /// Opens the gate for every current and future waiter.
    func open() {
        let waiters = state.withLock { state in
            state.isOpen = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Counts calls running at once and remembers the peak.
final class ConcurrencyGauge: Sendable {
    private let counts = Mutex((running: 0, peak: 0))

    /// Records a call starting.
    func enter() {
        counts.withLock { counts in
            counts.running += 1
            counts.peak = max(counts.peak, counts.running)
        }
    }

    /// Records a call finishing.
    func leave() { counts.withLock { $0.running -= 1 } }

    /// The most calls that ever ran at once.
    var peak: Int { counts.withLock { $0.peak } }
}
