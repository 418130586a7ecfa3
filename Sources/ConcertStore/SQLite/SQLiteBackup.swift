import CSQLite
import Foundation

/// Copies a SQLite database with SQLite's online backup API while servers keep using it.
///
/// Copying the file is not a backup: in WAL mode the latest commits live in the `-wal` file until a
/// checkpoint, so a copy of the main file alone may lack them, or lack the tables altogether. The backup
/// API reads one consistent snapshot through SQLite (writers go on meanwhile) and writes a self-contained
/// database. The copy is written beside the destination, checked with `PRAGMA quick_check`, and renamed
/// into place only when whole, so a failed backup never leaves a half-written file under the name asked for.
public enum SQLiteBackup {
    /// What a backup wrote.
    public struct Report: Sendable {
        /// The database pages copied.
        public var pages: Int
        /// The size of the copy, in bytes.
        public var bytes: Int
    }

    /// Why a backup was refused or failed.
    public enum Failure: Error, CustomStringConvertible {
        /// The destination exists; a backup never overwrites a file.
        case destinationExists(String)
        /// The source is not a readable SQLite database.
        case unreadableSource(String, String)
        /// SQLite failed while copying or checking, with its message.
        case failed(String)

        /// A line for the operator.
        public var description: String {
            switch self {
            case .destinationExists(let path): "\(path) exists; a backup never overwrites a file"
            case .unreadableSource(let path, let message): "cannot read the database \(path): \(message)"
            case .failed(let message): "the backup failed: \(message)"
            }
        }
    }

    /// Copies the database at `source` to the new file `destination` (which must not exist), waiting up to
    /// `busyTimeoutMs` whenever a writer holds a lock the copy needs.
    public static func copy(from source: String, to destination: String, busyTimeoutMs: Int32 = 5000) throws -> Report {
        guard !FileManager.default.fileExists(atPath: destination) else { throw Failure.destinationExists(destination) }
        let sourceDB = try open(source, flags: SQLITE_OPEN_READONLY, busyTimeoutMs: busyTimeoutMs)
        defer { sqlite3_close_v2(sourceDB) }
        guard sqlite3_exec(sourceDB, "SELECT count(*) FROM sqlite_schema", nil, nil, nil) == SQLITE_OK else {
            throw Failure.unreadableSource(source, String(cString: sqlite3_errmsg(sourceDB)))
        }
        let partial = destination + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        let copyDB = try open(partial, flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, busyTimeoutMs: busyTimeoutMs)
        do {
            let pages = try copyPages(from: sourceDB, to: copyDB)
            try check(copyDB)
            sqlite3_close_v2(copyDB)
            try FileManager.default.moveItem(atPath: partial, toPath: destination)
            let bytes = ((try? FileManager.default.attributesOfItem(atPath: destination))?[.size] as? Int) ?? 0
            return Report(pages: pages, bytes: bytes)
        } catch {
            sqlite3_close_v2(copyDB)
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    private static func open(_ path: String, flags: Int32, busyTimeoutMs: Int32) throws -> OpaquePointer {
        var db: OpaquePointer?
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(db)
            throw Failure.unreadableSource(path, message)
        }
        sqlite3_busy_timeout(db, busyTimeoutMs)
        return db
    }

    /// Copies every page in one step (one read snapshot), retrying while a lock is held; returns the page count.
    private static func copyPages(from source: OpaquePointer, to copy: OpaquePointer) throws -> Int {
        guard let backup = sqlite3_backup_init(copy, "main", source, "main") else {
            throw Failure.failed(String(cString: sqlite3_errmsg(copy)))
        }
        var code = sqlite3_backup_step(backup, -1)
        while code == SQLITE_BUSY || code == SQLITE_LOCKED {
            sqlite3_sleep(10)
            code = sqlite3_backup_step(backup, -1)
        }
        let pages = Int(sqlite3_backup_pagecount(backup))
        let finished = sqlite3_backup_finish(backup)
        guard code == SQLITE_DONE, finished == SQLITE_OK else {
            throw Failure.failed(String(cString: sqlite3_errmsg(copy)))
        }
        return pages
    }

    /// Runs `PRAGMA quick_check` on the copy.
    private static func check(_ copy: OpaquePointer) throws {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(copy, "PRAGMA quick_check", -1, &statement, nil) == SQLITE_OK else {
            throw Failure.failed(String(cString: sqlite3_errmsg(copy)))
        }
        defer { sqlite3_finalize(statement) }
        guard sqlite3_step(statement) == SQLITE_ROW, let text = sqlite3_column_text(statement, 0) else {
            throw Failure.failed(String(cString: sqlite3_errmsg(copy)))
        }
        let verdict = String(cString: text)
        guard verdict == "ok" else { throw Failure.failed("the copy fails quick_check: \(verdict)") }
    }
}
