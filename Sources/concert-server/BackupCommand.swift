import ArgumentParser
import ConcertStore
import Foundation

/// `concert-server backup`: a consistent copy of a SQLite database while servers use it.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copies a SQLite database while servers use it (SQLite's online backup API).",
        discussion: """
            Copying concert.db with cp is not a backup: recent commits live in concert.db-wal until a \
            checkpoint. This writes one consistent snapshot to a new file, checks it, and only then gives \
            it its name. Restore: stop the servers, remove concert.db, concert.db-wal and concert.db-shm, \
            put the copy in place as concert.db, start the servers. PostgreSQL: use pg_dump.
            """)

    @Option(help: ArgumentHelp("The SQLite database to copy.", valueName: "file"))
    var database: String

    @Option(help: ArgumentHelp("The new file to write; it must not exist.", valueName: "file"))
    var to: String

    func validate() throws {
        if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") {
            throw ValidationError("backup copies SQLite files; back up PostgreSQL with pg_dump.")
        }
        guard FileManager.default.fileExists(atPath: database) else {
            throw ValidationError("--database \(database) does not exist.")
        }
    }

    func run() throws {
        do {
            let report = try SQLiteBackup.copy(from: database, to: to)
            print("backed up \(database) to \(to): \(report.pages) pages, \(report.bytes) bytes, quick_check ok")
        } catch let failure as SQLiteBackup.Failure {
            FileHandle.standardError.write(Data("concert-server backup: \(failure)\n".utf8))
            throw ExitCode(ServeCommand.databaseNotWritableExitCode)
        }
    }
}
