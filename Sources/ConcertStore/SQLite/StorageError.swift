import CSQLite
import ConcertDomain

/// An unexpected SQLite failure. Its description carries details for logs (result code, SQLite's message and
/// the operation, which may include SQL text); it is never meant to be shown to clients — the server maps it to
/// INTERNAL with a generic message. Lock contention is reported as `ConcertError` STORE_BUSY instead, and a
/// full or unwritable disk as STORAGE_FULL / STORAGE_UNAVAILABLE.
public struct StorageError: Error, Sendable, CustomStringConvertible {
    /// The SQLite extended result code (or 0 for failures detected by the store itself).
    public var code: Int32
    /// SQLite's (or the store's) explanation.
    public var message: String
    /// What the store was doing.
    public var operation: String

    /// Creates a storage error.
    public init(code: Int32, message: String, operation: String) {
        self.code = code
        self.message = message
        self.operation = operation
    }

    /// A line for logs: code, SQLite's name for it, the operation and the message.
    public var description: String {
        let name = code == 0 ? "store" : String(cString: sqlite3_errstr(code))
        return "SQLite error \(code) (\(name)) during \(operation): \(message)"
    }

    /// The error SQLite reports for result `code` on connection `db`: SQLITE_BUSY becomes STORE_BUSY, a full
    /// disk STORAGE_FULL, and a database that cannot be written or read (read-only, I/O error, a file that
    /// cannot be opened) STORAGE_UNAVAILABLE; clients may retry all of them. Anything else is a StorageError.
    static func from(_ code: Int32, db: OpaquePointer?, operation: @autoclosure () -> String) -> any Error {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        switch code & 0xff {
        case SQLITE_BUSY:
            return Unavailable.busy
        case SQLITE_FULL:
            return ConcertError(.storageFull, logNote: "SQLite \(code) during \(operation()): \(message)")
        case SQLITE_READONLY, SQLITE_IOERR, SQLITE_CANTOPEN:
            return ConcertError(.storageUnavailable, logNote: "SQLite \(code) during \(operation()): \(message)")
        default:
            return StorageError(code: code, message: message, operation: operation())
        }
    }

    /// Throws the error SQLite reports for result `code` on connection `db`; SQLITE_BUSY becomes STORE_BUSY.
    static func fail(_ code: Int32, db: OpaquePointer?, operation: @autoclosure () -> String) throws -> Never {
        throw from(code, db: db, operation: operation())
    }

    /// A failure the store detected itself (an invariant SQLite did not enforce).
    static func inconsistency(_ message: String) -> StorageError {
        StorageError(code: 0, message: message, operation: "consistency check")
    }
}
