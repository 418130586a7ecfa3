public import ConcertStorePostgres
public import Foundation

/// The database the test suites run on: a SQLite file by default, or, when `CONCERT_TEST_POSTGRES_URL`
/// names a PostgreSQL database (`tools/test` starts a throwaway cluster and sets it for its PostgreSQL
/// pass), a new database on that server for each test.
public enum TestDatabase {
    /// The server the PostgreSQL pass runs against, if this is that pass.
    public static let postgres: PostgresLocation? = ProcessInfo.processInfo.environment["CONCERT_TEST_POSTGRES_URL"]
        .flatMap { PostgresLocation(url: $0) }

    /// Whether the suites run on PostgreSQL in this process.
    public static var isPostgres: Bool { postgres != nil }

    /// A fresh, empty database for one test: a file in `directory`, or a new PostgreSQL database's URL.
    public static func fresh(in directory: URL) throws -> String {
        guard let postgres else { return directory.appendingPathComponent("concert.db").path }
        let name = "concert_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        return try PostgresAdministration.createDatabase(named: name, on: postgres).redacted
    }

    /// Drops the PostgreSQL database `database` made by ``fresh(in:)``; nothing for a file (its folder is
    /// removed with the test's).
    public static func remove(_ database: String) {
        guard let postgres, let location = PostgresLocation(url: database) else { return }
        try? PostgresAdministration.dropDatabase(named: location.database, on: postgres)
    }
}
