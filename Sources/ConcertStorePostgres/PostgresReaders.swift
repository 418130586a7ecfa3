import ConcertDomain
import ConcertStore
import Foundation

/// The store's readers on PostgreSQL: a few threads, each with its own connection, that run reads off the
/// event loops. Each read is one REPEATABLE READ, READ ONLY transaction, so a rule that reads several
/// rows sees them in one snapshot, and it sees every write this process acknowledged before it began.
final class PostgresReaders: Sendable {
    private typealias Read = @Sendable (ConnectionKeeper) -> Void

    private let queue = WorkQueue<Read>()
    private let finished: DispatchSemaphore
    private let threads: Int

    /// `count` reader threads with connections from `makeKeeper`.
    init(count: Int, makeKeeper: @escaping @Sendable () -> ConnectionKeeper) {
        threads = max(1, count)
        finished = DispatchSemaphore(value: 0)
        for index in 0..<threads {
            let keeper = ConnectionKeeperBox(makeKeeper())
            let thread = Thread { [queue, finished] in
                while let reads = queue.take(upTo: 1) {
                    for read in reads { read(keeper.keeper) }
                }
                keeper.keeper.close()
                finished.signal()
            }
            thread.name = "ConcertStore.postgres-reader-\(index)"
            thread.start()
        }
    }

    /// Runs `body` in a read transaction on a reader thread; `completion` gets its outcome there.
    func read<Value: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) throws -> Value,
        completion: @escaping @Sendable (Result<Value, any Error>) -> Void
    ) {
        let queued = queue.put { keeper in
            completion(Result { try Self.run(body, keeper: keeper) })
        }
        if !queued { completion(.failure(ConcertError(.storeBusy, "The store is shutting down; try again shortly."))) }
    }

    /// Runs `body` in a read-only snapshot on the keeper's connection. A connection that died while it was
    /// idle (PostgreSQL restarted) fails the read's first statement; the read, which changes nothing, is
    /// then run again, once, on a new connection.
    private static func run<Value>(
        _ body: (any SQLDatabase) throws -> Value, keeper: ConnectionKeeper
    ) throws -> Value {
        var attempt = 0
        while true {
            attempt += 1
            var connection = try keeper.connection()
            do {
                try connection.confirmSent()
            } catch {
                keeper.discard(after: error)
                connection = try keeper.connection()
            }
            do {
                connection.send("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                let value = try body(connection)
                connection.send("COMMIT")
                return value
            } catch {
                keeper.discard(after: error)
                if !connection.isClosed { connection.send("ROLLBACK") }
                guard attempt == 1, PostgresFailure.isConnectionLost(error) else { throw error }
            }
        }
    }

    /// Lets the readers finish the queued reads, then closes their connections and waits for them.
    func stop() {
        queue.close()
        for _ in 0..<threads { finished.wait() }
    }
}
