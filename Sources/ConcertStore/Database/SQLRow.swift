import Foundation

/// Read access to one result row; valid only inside the closure it is passed to. Columns are 0-based.
public protocol SQLRow {
    /// The integer in `column`; NULL reads as 0.
    func int64(_ column: Int32) -> Int64

    /// The integer in `column`, or nil when it is NULL.
    func optionalInt64(_ column: Int32) -> Int64?

    /// Whether `column` holds true (a non-zero integer in SQLite, a boolean in PostgreSQL).
    func bool(_ column: Int32) -> Bool

    /// The text in `column`; NULL reads as "".
    func string(_ column: Int32) -> String

    /// The UUID in `column` (a 16-byte blob in SQLite, a `uuid` in PostgreSQL); anything else is a storage
    /// inconsistency.
    func uuid(_ column: Int32) throws -> UUID
}

extension SQLRow {
    /// The integer in `column` as an `Int`.
    public func int(_ column: Int32) -> Int {
        Int(int64(column))
    }
}
