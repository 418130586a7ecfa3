import ConcertProtocol
import NIOCore
import NIOPosix
import Synchronization

/// The client's one connection, opened on first use and reopened by the first call after
/// it broke or its server said it is draining, trying again as the configuration's ``ReconnectPolicy``
/// says; concurrent callers share a single connection attempt.
final class ConnectionSlot: Sendable {
    private enum State {
        case idle
        case connecting(EventLoopFuture<Connection>)
        case connected(Connection)
        case shutDown
    }

    private let host: String
    private let port: Int
    private let configuration: ClientConfiguration
    private let state = Mutex(State.idle)

    init(host: String, port: Int, configuration: ClientConfiguration) {
        self.host = host
        self.port = port
        self.configuration = configuration
    }

    /// What a caller found in the slot.
    private enum Lookup {
        case ready(Connection)
        case pending(EventLoopFuture<Connection>, opening: EventLoopPromise<Connection>?)
        case closed
    }

    /// The open connection, connecting first when there is none or it broke. A caller waits at most
    /// `limit` for the connection (nil: until the attempts end) and then throws DEADLINE_EXCEEDED; the
    /// attempt goes on for the callers after it.
    func connection(waitingAtMost limit: Duration? = nil) async throws(RPCError) -> Connection {
        let lookup = state.withLock { state -> Lookup in
            switch state {
            case .connected(let connection) where connection.takesNewCalls:
                return .ready(connection)
            case .connecting(let future):
                return .pending(future, opening: nil)
            case .shutDown:
                return .closed
            case .idle, .connected:
                let promise = MultiThreadedEventLoopGroup.singleton.next().makePromise(of: Connection.self)
                state = .connecting(promise.futureResult)
                return .pending(promise.futureResult, opening: promise)
            }
        }
        switch lookup {
        case .ready(let connection):
            return connection
        case .closed:
            throw .clientClosed
        case .pending(let future, let opening):
            if let opening {
                opening.completeWithTask { try await self.openWithBackoff() }
            }
            do {
                let connection = try await (limit.map { Self.bounded(future, by: $0) } ?? future).get()
                settle(future, with: connection)
                return connection
            } catch let expired as ConnectionWaitExpired {
                throw .deadlineExceeded(after: expired.limit)
            } catch {
                settle(future, with: nil)
                throw .connectionFailed("\(host):\(port)", underlying: error)
            }
        }
    }

    /// Opens a connection, trying again after each failure as the reconnect policy says (unless the slot
    /// was shut down meanwhile); throws the last attempt's error.
    private func openWithBackoff() async throws -> Connection {
        let policy = configuration.reconnect
        var generator = SystemRandomNumberGenerator()
        var failedAttempts = 0
        while true {
            do {
                return try await Connection.open(host: host, port: port, configuration: configuration).get()
            } catch {
                failedAttempts += 1
                guard failedAttempts < policy.maxAttempts, !isShutDown else { throw error }
                try await Task.sleep(for: policy.backoff(afterFailedAttempts: failedAttempts, using: &generator))
            }
        }
    }

    /// `future`, or when it has not completed within `limit`, a failure with ``ConnectionWaitExpired``.
    private static func bounded(_ future: EventLoopFuture<Connection>, by limit: Duration) -> EventLoopFuture<Connection> {
        let promise = future.eventLoop.makePromise(of: Connection.self)
        let timer = future.eventLoop.scheduleTask(in: limit.timeAmount) {
            promise.fail(ConnectionWaitExpired(limit: limit))
        }
        future.whenComplete { _ in timer.cancel() }
        future.cascade(to: promise)
        return promise.futureResult
    }

    /// Whether the slot holds a connection that takes new calls (open, its server not draining).
    var isConnected: Bool {
        state.withLock { state in
            if case .connected(let connection) = state { return connection.takesNewCalls }
            return false
        }
    }

    /// Whether the slot was shut down for good.
    var isShutDown: Bool {
        state.withLock { state in
            if case .shutDown = state { return true }
            return false
        }
    }

    /// Records the outcome of the connection attempt `future`, unless something newer replaced it.
    private func settle(_ future: EventLoopFuture<Connection>, with connection: Connection?) {
        state.withLock { state in
            guard case .connecting(let current) = state, current === future else { return }
            state = connection.map(State.connected) ?? .idle
        }
    }

    /// Closes the connection for good; later calls fail with CONNECTION_CLOSED.
    func shutDown() async {
        let previous = state.withLock { state in
            defer { state = .shutDown }
            return state
        }
        switch previous {
        case .connected(let connection):
            await connection.close()
        case .connecting(let future):
            if let connection = try? await future.get() { await connection.close() }
        case .idle, .shutDown:
            break
        }
    }
}

/// A caller's wait for a connection outlasted its limit.
private struct ConnectionWaitExpired: Error {
    /// How long the caller was willing to wait.
    let limit: Duration
}
