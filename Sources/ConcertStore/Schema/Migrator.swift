import ConcertDomain
import Foundation

/// Brings a database to `Schema.latestVersion` at open time.
enum Migrator {
    /// Switches the database to WAL mode (persistent in the file), then applies every migration newer than
    /// `PRAGMA user_version` inside one BEGIN IMMEDIATE transaction, so two processes opening the same file at
    /// once apply each step exactly once. A database newer than this build is refused.
    static func migrate(_ connection: Connection) throws {
        try enableWAL(connection)
        try connection.writeTransaction {
            let current = try connection.first("PRAGMA user_version") { $0.int(0) } ?? 0
            guard current <= Schema.latestVersion else {
                throw StorageError(
                    code: 0,
                    message: "schema version \(current) is newer than this build's \(Schema.latestVersion)",
                    operation: "migrate"
                )
            }
            for migration in Schema.migrations where migration.version > current {
                try connection.executeScript(migration.sql)
                try connection.executeScript("PRAGMA user_version = \(migration.version);")
            }
        }
    }

    /// Switching to WAL needs an exclusive lock, and SQLite reports SQLITE_BUSY at once (without its busy
    /// handler) when another connection is switching at the same time; so retry until the busy timeout.
    private static func enableWAL(_ connection: Connection) throws {
        let clock = ContinuousClock()
        let deadline = clock.now + .milliseconds(connection.busyTimeoutMs)
        while true {
            do {
                let mode = try connection.first("PRAGMA journal_mode = WAL") { $0.string(0) }
                guard mode?.lowercased() == "wal" else {
                    throw StorageError(
                        code: 0, message: "journal_mode is \(mode ?? "unknown"), not wal", operation: "enable WAL")
                }
                return
            } catch let error as ConcertError where error.reason == .storeBusy && clock.now < deadline {
                Thread.sleep(forTimeInterval: 0.002)
            }
        }
    }
}
