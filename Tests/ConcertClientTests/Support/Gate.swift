import Synchronization

/// A gate tasks wait at until a test opens it, and a count of how many arrived: lets a test hold a
/// server's answer while the client does something, without sleeping for a guessed time.
final class Gate: Sendable {
    private struct State {
        var open = false
        var arrivals = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// How many tasks have arrived at the gate so far.
    var arrivals: Int { state.withLock { $0.arrivals } }

    /// Arrives at the gate and waits until it is open.
    func pass() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state -> Bool in
                state.arrivals += 1
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    /// Opens the gate for every task waiting and every later one.
    func open() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.open = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Waits (polling, for at most about 10 s) until `count` tasks have arrived.
    func waitForArrivals(_ count: Int) async throws {
        for _ in 0..<1000 where arrivals < count { try await Task.sleep(for: .milliseconds(10)) }
    }
}

/// Values a test collects from tasks or server handlers, in the order they came.
final class Recorder<Value: Sendable>: Sendable {
    private let values = Mutex<[Value]>([])

    /// Records `value`; returns how many values were recorded before it.
    @discardableResult
    func record(_ value: Value) -> Int {
        values.withLock { values in
            defer { values.append(value) }
            return values.count
        }
    }

    /// Everything recorded so far.
    var recorded: [Value] { values.withLock { $0 } }
}
