import ConcertStore
import Foundation
import Logging
import NIOPosix

/// Creating and dropping whole databases on a PostgreSQL server, for tools and test suites that give
/// each run a database of its own.
public enum PostgresAdministration {
    /// Creates the empty database `name` (letters, digits and underscores) on the server of `location`,
    /// connecting to `location`'s database to do it; returns the new database's location.
    public static func createDatabase(named name: String, on location: PostgresLocation) throws -> PostgresLocation {
        try run("CREATE DATABASE \(try identifier(name))", on: location)
        var created = location
        created.database = name
        return created
    }

    /// Drops the database `name` on the server of `location` if it exists, ending its sessions.
    public static func dropDatabase(named name: String, on location: PostgresLocation) throws {
        try run("DROP DATABASE IF EXISTS \(try identifier(name)) WITH (FORCE)", on: location)
    }

    private static func identifier(_ name: String) throws -> String {
        guard !name.isEmpty, name.count <= 63,
            name.unicodeScalars.allSatisfy({ $0 == "_" || ($0.isASCII && CharacterSet.alphanumerics.contains($0)) })
        else { throw StorageError(code: 0, message: "not a plain database name: \(name)", operation: "name a database") }
        return "\"\(name)\""
    }

    private static func run(_ sql: String, on location: PostgresLocation) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        let connection = try BlockingPostgresConnection.connect(
            to: location, on: group.next(), connectTimeout: .seconds(5), lockTimeoutMs: 0, timeout: .seconds(60),
            logger: Logger(label: "concert.store.postgres.admin"))
        defer { connection.close() }
        try connection.runScript(sql)
    }
}
