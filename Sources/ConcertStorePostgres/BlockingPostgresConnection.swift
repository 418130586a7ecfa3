import ConcertDomain
import ConcertStore
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// One PostgreSQL connection used from one thread at a time, statement by statement, the way the store's
/// rules (synchronous code, see `SQLDatabase`) use a database: each statement waits for its answer on the
/// calling thread, never on the connection's event loop.
///
/// Transaction control that the caller need not wait for (BEGIN, SAVEPOINT, RELEASE) is ``send(_:)``:
/// queued on the connection behind the statements before it, its outcome checked at the next
/// ``confirmSent()`` (COMMIT does it), so it costs no wake-up of the waiting thread. A statement that gets
/// no answer within the timeout closes the connection (a network that stopped answering) and fails with
/// DATABASE_UNREACHABLE.
final class BlockingPostgresConnection: BulkSQLDatabase {
    private let connection: PostgresConnection
    private let logger: Logger
    private let timeout: DispatchTimeInterval
    private var sent: [(sql: String, answer: EventLoopFuture<PostgresQueryResult>)] = []

    private init(connection: PostgresConnection, logger: Logger, timeout: DispatchTimeInterval) {
        self.connection = connection
        self.logger = logger
        self.timeout = timeout
    }

    /// Connects to `location` on `eventLoop` (giving up after `connectTimeout`), and makes the session wait
    /// at most `lockTimeoutMs` for a lock (then STORE_BUSY) and `timeout` for any answer.
    static func connect(
        to location: PostgresLocation, on eventLoop: any EventLoop, connectTimeout: TimeAmount,
        lockTimeoutMs: Int32, timeout: DispatchTimeInterval, logger: Logger
    ) throws -> BlockingPostgresConnection {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: .disable)
        configuration.options.connectTimeout = connectTimeout
        configuration.options.additionalStartupParameters = [
            ("application_name", "concert-server"), ("lock_timeout", "\(lockTimeoutMs)"),
        ]
        let connecting = PostgresConnection.connect(
            on: eventLoop, configuration: configuration, id: nextID.withLockedValue { id in
                id += 1
                return id
            }, logger: logger)
        let connection = try wait(for: connecting, timeout: timeout, operation: "connect to \(location.redacted)") {}
        return BlockingPostgresConnection(connection: connection, logger: logger, timeout: timeout)
    }

    private static let nextID = NIOLockedValueBox(0)

    /// Whether the connection is closed (by either side); a closed connection must be replaced.
    var isClosed: Bool { connection.isClosed }

    /// Closes the connection and waits until it is closed; idempotent.
    func close() {
        guard !connection.isClosed else { return }
        _ = try? connection.close().wait()
    }

    deinit {
        close()
    }

    // MARK: SQLDatabase

    @discardableResult
    func execute<each Value: SQLBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Int {
        try run(PostgresSQL.text(of: sql), Self.bindings(repeat each values)).metadata.rows ?? 0
    }

    func insert<each Value: SQLBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Int64 {
        let result = try run(PostgresSQL.text(of: sql, returningID: true), Self.bindings(repeat each values))
        guard let row = result.rows.first else {
            throw StorageError(code: 0, message: "an insert returned no id", operation: "PostgreSQL: insert")
        }
        return PostgresRowReader(row: row.makeRandomAccess()).int64(0)
    }

    func first<each Value: SQLBindable, Result>(
        _ sql: StaticString, _ values: repeat each Value, read: (any SQLRow) throws -> Result
    ) throws -> Result? {
        let result = try run(PostgresSQL.text(of: sql), Self.bindings(repeat each values))
        return try result.rows.first.map { row in try read(PostgresRowReader(row: row.makeRandomAccess())) }
    }

    func all<each Value: SQLBindable, Result>(
        _ sql: StaticString, _ values: repeat each Value, read: (any SQLRow) throws -> Result
    ) throws -> [Result] {
        let result = try run(PostgresSQL.text(of: sql), Self.bindings(repeat each values))
        return try result.rows.map { row in try read(PostgresRowReader(row: row.makeRandomAccess())) }
    }

    // MARK: Statements

    /// Runs `sql` with `binds` and waits for its answer.
    @discardableResult
    func run(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws -> PostgresQueryResult {
        let answer = connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
        return try wait(for: answer, operation: sql)
    }

    /// Queues `sql` (no parameters) behind the statements before it without waiting for its answer.
    func send(_ sql: String) {
        sent.append((sql, connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)))
    }

    /// Checks the answers of everything ``send(_:)`` queued (all in by now when a later statement has been
    /// answered); throws the first failure.
    func confirmSent() throws {
        let pending = sent
        sent = []
        for (sql, answer) in pending {
            _ = try wait(for: answer, operation: sql)
        }
    }

    /// Runs `script`, statements without parameters separated by `;` at the ends of lines (the
    /// schema's form; PostgresNIO sends one statement per query), one after another, waiting for each.
    func runScript(_ script: String) throws {
        let statements = script.components(separatedBy: ";\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        for statement in statements where !statement.isEmpty {
            try run(statement.hasSuffix(";") ? String(statement.dropLast()) : statement)
        }
    }

    /// Commits the open transaction: throws unless every queued statement succeeded and PostgreSQL
    /// answered COMMIT (an aborted transaction answers ROLLBACK).
    func commit() throws {
        let result = try run("COMMIT")
        try confirmSent()
        guard result.metadata.command == "COMMIT" else {
            throw StorageError(code: 0, message: "the transaction was rolled back", operation: "PostgreSQL: commit")
        }
    }

    private func wait<Value: Sendable>(for future: EventLoopFuture<Value>, operation: String) throws -> Value {
        try Self.wait(for: future, timeout: timeout, operation: operation) { [connection] in
            connection.close().whenComplete { _ in }
        }
    }

    /// Waits up to `timeout` for `future`; on timeout runs `abandon` and fails with DATABASE_UNREACHABLE.
    /// Failures become the store's errors (see ``PostgresFailure``).
    private static func wait<Value: Sendable>(
        for future: EventLoopFuture<Value>, timeout: DispatchTimeInterval, operation: String,
        abandon: () -> Void
    ) throws -> Value {
        let done = DispatchSemaphore(value: 0)
        let outcome = NIOLockedValueBox<Result<Value, any Error>?>(nil)
        future.whenComplete { result in
            outcome.withLockedValue { $0 = result }
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else {
            abandon()
            throw ConcertError(.databaseUnreachable, logNote: "PostgreSQL did not answer \(operation) in time")
        }
        do {
            return try outcome.withLockedValue { $0 }!.get()
        } catch {
            throw PostgresFailure.storeError(error, operation: operation)
        }
    }

    /// The parameters `values`, typed for PostgreSQL.
    private static func bindings<each Value: SQLBindable>(_ values: repeat each Value) -> PostgresBindings {
        var binds = PostgresBindings()
        for value in repeat each values {
            switch value.sqlValue {
            case .integer(let integer): binds.append(integer)
            case .text(let text): binds.append(text)
            case .uuid(let uuid): binds.append(uuid)
            case .null: binds.appendNull()
            case .list(.integers(let integers)): binds.append(integers)
            case .list(.texts(let texts)): binds.append(texts)
            case .list(.uuids(let uuids)): binds.append(uuids)
            }
        }
        return binds
    }
}
