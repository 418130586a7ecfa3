import CSQLite
import Foundation

/// Read access to the current result row of a statement; valid only inside the closure it is passed to.
struct SQLiteRow: SQLRow {
    let statement: OpaquePointer

    /// The integer in column `column` (0-based); NULL reads as 0.
    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }

    /// The integer in column `column`, or nil when it is NULL.
    func optionalInt64(_ column: Int32) -> Int64? {
        sqlite3_column_type(statement, column) == SQLITE_NULL ? nil : sqlite3_column_int64(statement, column)
    }

    /// Whether column `column` is non-zero.
    func bool(_ column: Int32) -> Bool {
        sqlite3_column_int64(statement, column) != 0
    }

    /// The text in column `column`; NULL reads as "".
    func string(_ column: Int32) -> String {
        guard let text = sqlite3_column_text(statement, column) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The UUID stored as a 16-byte blob in column `column`; anything else is a storage inconsistency.
    func uuid(_ column: Int32) throws -> UUID {
        guard let bytes = sqlite3_column_blob(statement, column), sqlite3_column_bytes(statement, column) == 16 else {
            throw StorageError.inconsistency("column \(column) does not hold a 16-byte UUID")
        }
        return UUID(uuid: bytes.loadUnaligned(as: uuid_t.self))
    }
}
