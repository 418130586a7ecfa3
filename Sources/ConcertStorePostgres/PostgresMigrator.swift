import ConcertStore

/// Brings a PostgreSQL database to ``PostgresSchema/latestVersion`` when a server starts.
enum PostgresMigrator {
    /// The advisory lock key held while migrating.
    static let migrationLockKey: Int64 = 0x636F_6E63_6572_7402

    /// Takes the migration lock (a session advisory lock: servers starting at once wait here while one
    /// migrates), applies every migration newer than the highest version in `schema_migrations` in one
    /// transaction, and lets go. A database newer than this build is refused.
    static func migrate(_ connection: BlockingPostgresConnection) throws {
        try connection.run("SELECT pg_advisory_lock(\(migrationLockKey))")
        defer { _ = try? connection.run("SELECT pg_advisory_unlock(\(migrationLockKey))") }
        try connection.runScript(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
            )
            """)
        let current = try connection.first("SELECT CAST(coalesce(max(version), 0) AS BIGINT) FROM schema_migrations") {
            $0.int(0)
        } ?? 0
        guard current <= PostgresSchema.latestVersion else {
            throw StorageError(
                code: 0,
                message: "schema version \(current) is newer than this build's \(PostgresSchema.latestVersion)",
                operation: "migrate")
        }
        let pending = PostgresSchema.migrations.filter { $0.version > current }
        guard !pending.isEmpty else { return }
        try connection.run("BEGIN")
        do {
            for migration in pending {
                try connection.runScript(migration.sql)
                try connection.run("INSERT INTO schema_migrations (version) VALUES (\(migration.version))")
            }
            try connection.commit()
        } catch {
            _ = try? connection.run("ROLLBACK")
            throw error
        }
    }
}
