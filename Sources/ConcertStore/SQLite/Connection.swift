import CSQLite

/// One SQLite connection with its prepared-statement cache. Not thread-safe: it is used by one thread at a
/// time (the writer thread, or the caller that borrowed it from the read pool).
final class Connection: SQLDatabase {
    private let db: OpaquePointer
    /// How long a statement waits for a lock before failing with SQLITE_BUSY.
    let busyTimeoutMs: Int32
    private var statements: [UnsafeRawPointer: Statement] = [:]
    private var isClosed = false

    /// What a connection is for, which decides its settings.
    enum Role {
        /// The writer's connection: a 64 MiB page cache and WAL checkpoints every 8,000 pages.
        case writer
        /// A pooled reader: query-only with a 16 MiB page cache.
        case reader

        var pragmas: String {
            switch self {
            case .writer: "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 8000;"
            case .reader: "PRAGMA cache_size = -16384; PRAGMA query_only = ON;"
            }
        }
    }

    /// Opens (creating if needed) the database at `path` with foreign keys on, synchronous=FULL, the given
    /// busy timeout and the settings of `role`.
    init(path: String, busyTimeoutMs: Int32, role: Role) throws {
        _ = Self.configureOnce
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &opened, flags, nil)
        guard code == SQLITE_OK, let opened else {
            let error = StorageError.from(code, db: opened, operation: "open \(path)")
            sqlite3_close_v2(opened)
            throw error
        }
        db = opened
        self.busyTimeoutMs = busyTimeoutMs
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMs)
        try executeScript("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; " + role.pragmas)
    }

    /// SQLite's process-wide settings, made before the first connection opens (see the shim).
    private static let configureOnce: Void = {
        _ = concert_sqlite3_disable_memory_statistics()
    }()

    deinit {
        close()
    }

    /// Finalizes the cached statements and closes the connection; idempotent.
    func close() {
        guard !isClosed else { return }
        isClosed = true
        statements.removeAll()
        sqlite3_close_v2(db)
    }

    /// Runs one or more SQL statements that take no parameters (schema changes, PRAGMAs); rows are ignored.
    func executeScript(_ sql: String) throws {
        let code = sqlite3_exec(db, sql, nil, nil, nil)
        guard code == SQLITE_OK else { try StorageError.fail(code, db: db, operation: "execute \(sql)") }
    }

    /// The cached prepared statement for `sql`, prepared on first use (keyed by the literal's address).
    func statement(_ sql: StaticString) throws -> Statement {
        let key = UnsafeRawPointer(sql.utf8Start)
        if let cached = statements[key] { return cached }
        let prepared = try Statement(db: db, sql: sql)
        statements[key] = prepared
        return prepared
    }

    /// Runs `sql` with `values` to completion and returns how many rows it changed.
    @discardableResult
    func execute<each Value: SQLBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Int {
        let statement = try statement(sql)
        defer { statement.reset() }
        try statement.bind(repeat each values)
        while try statement.step() {}
        return Int(sqlite3_changes(db))
    }

    /// Runs the INSERT `sql` with `values` and returns the new row's id. (Not `RETURNING`: SQLite
    /// collects a `RETURNING` statement's rows in a temporary b-tree, which costs more than the insert.)
    func insert<each Value: SQLBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Int64 {
        try execute(sql, repeat each values)
        return sqlite3_last_insert_rowid(db)
    }

    /// Runs `sql` with `values` and reads its first row with `read`; nil when there is no row.
    func first<each Value: SQLBindable, Result>(
        _ sql: StaticString, _ values: repeat each Value, read: (any SQLRow) throws -> Result
    ) throws -> Result? {
        let statement = try statement(sql)
        defer { statement.reset() }
        try statement.bind(repeat each values)
        guard try statement.step() else { return nil }
        return try read(statement.row)
    }

    /// Runs `sql` with `values` and reads every row with `read`.
    func all<each Value: SQLBindable, Result>(
        _ sql: StaticString, _ values: repeat each Value, read: (any SQLRow) throws -> Result
    ) throws -> [Result] {
        let statement = try statement(sql)
        defer { statement.reset() }
        try statement.bind(repeat each values)
        var results: [Result] = []
        while try statement.step() {
            results.append(try read(statement.row))
        }
        return results
    }

    /// Whether the connection is outside any transaction.
    var isAutocommit: Bool {
        sqlite3_get_autocommit(db) != 0
    }

    /// The rows changed by this connection since it opened.
    var totalChanges: Int64 {
        sqlite3_total_changes64(db)
    }

    /// Whether SQLite opened the database read-only (it falls back to that when the file cannot be written).
    var isReadOnly: Bool {
        sqlite3_db_readonly(db, "main") == 1
    }
}
