import CSQLite

/// A prepared statement owned by one `Connection`; kept in its cache and reset after every use.
final class Statement {
    private let handle: OpaquePointer

    /// Prepares `sql` on `db` as a long-lived (persistent) statement.
    init(db: OpaquePointer, sql: StaticString) throws {
        var prepared: OpaquePointer?
        let code = sql.utf8Start.withMemoryRebound(to: CChar.self, capacity: sql.utf8CodeUnitCount) { text in
            sqlite3_prepare_v3(db, text, Int32(sql.utf8CodeUnitCount), UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        }
        guard code == SQLITE_OK, let prepared else {
            try StorageError.fail(code, db: db, operation: "prepare \(sql)")
        }
        handle = prepared
    }

    deinit {
        sqlite3_finalize(handle)
    }

    /// Binds `values` to parameters 1, 2, … in order.
    func bind<each Value: SQLBindable>(_ values: repeat each Value) throws {
        var index: Int32 = 1
        for value in repeat each values {
            let code = value.sqlValue.bind(to: handle, at: index)
            guard code == SQLITE_OK else { try fail(code, "bind parameter \(index)") }
            index += 1
        }
    }

    /// Advances to the next row: true when a row is available, false when the statement is done.
    func step() throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: try fail(code, "step")
        }
    }

    /// The current row.
    var row: SQLiteRow { SQLiteRow(statement: handle) }

    /// Makes the statement ready to run again (bindings are overwritten by the next `bind`).
    func reset() {
        sqlite3_reset(handle)
    }

    private func fail(_ code: Int32, _ action: String) throws -> Never {
        let sql = sqlite3_sql(handle).map { String(cString: $0) } ?? "?"
        try StorageError.fail(code, db: sqlite3_db_handle(handle), operation: "\(action) of \(sql)")
    }
}
