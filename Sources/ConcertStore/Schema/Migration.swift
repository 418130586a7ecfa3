/// One step of the schema's history: the SQL that brings a database from `version - 1` to `version`.
struct Migration: Sendable {
    /// The `PRAGMA user_version` the database has after this step.
    let version: Int
    /// The statements of the step, run as one script inside the migration transaction.
    let sql: String
}
