import Foundation

/// A lock-protected stack of query-only connections: a reader takes one (opening a new one when the stack is
/// empty) and returns it after use, so reads run on the caller's thread and never wait for the writer.
///
/// `@unchecked Sendable`: `idle` and `isClosed` are only touched with `lock` held, and a connection taken from
/// the stack is used by exactly one caller until it is returned.
final class ReadPool: @unchecked Sendable {
    private let path: String
    private let busyTimeoutMs: Int32
    private let lock = NSLock()
    private var idle: [Connection] = []
    private var isClosed = false

    /// Creates an empty pool for the database at `path`.
    init(path: String, busyTimeoutMs: Int32) {
        self.path = path
        self.busyTimeoutMs = busyTimeoutMs
    }

    /// Runs `body` with a connection borrowed from the pool. Fails with STORE_BUSY once the pool is closed.
    func withConnection<Result>(_ body: (Connection) throws -> Result) throws -> Result {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// Closes every idle connection; connections in use are closed when they come back. Idempotent.
    func close() {
        let closing = lock.withLock {
            isClosed = true
            defer { idle = [] }
            return idle
        }
        for connection in closing {
            connection.close()
        }
    }

    private func checkOut() throws -> Connection {
        let (taken, closed) = lock.withLock { (idle.popLast(), isClosed) }
        guard !closed else { throw Unavailable.closed }
        return try taken ?? Connection(path: path, busyTimeoutMs: busyTimeoutMs, role: .reader)
    }

    private func checkIn(_ connection: Connection) {
        let kept = lock.withLock {
            guard !isClosed else { return false }
            idle.append(connection)
            return true
        }
        if !kept {
            connection.close()
        }
    }
}
