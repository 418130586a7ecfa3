/// A database connection that the store's rules run on, already inside the right transaction: the
/// writer's batch (with the job's savepoint) or a read snapshot. Not thread-safe: one thread uses it at
/// a time.
///
/// The rules are written once, in SQL that SQLite and PostgreSQL both accept: parameters are `?1`, `?2`, …
/// (an implementation may rewrite them for its database), booleans are read with ``SQLRow/bool(_:)``, sums
/// are cast to BIGINT, and `IS DISTINCT FROM` is used instead of SQLite's `IS NOT` between values.
public protocol SQLDatabase: AnyObject {
    /// Runs `sql` with `values` to completion and returns how many rows it changed.
    @discardableResult
    func execute<each Value: SQLBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Int

    /// Runs the INSERT `sql` (into a table whose key is an integer `id` the database assigns) with `values`
    /// and returns the new row's id.
    func insert<each Value: SQLBindable>(_ sql: StaticString, _ values: repeat each Value) throws -> Int64

    /// Runs `sql` with `values` and reads its first row with `read`; nil when there is no row.
    func first<each Value: SQLBindable, Result>(
        _ sql: StaticString, _ values: repeat each Value, read: (any SQLRow) throws -> Result
    ) throws -> Result?

    /// Runs `sql` with `values` and reads every row with `read`.
    func all<each Value: SQLBindable, Result>(
        _ sql: StaticString, _ values: repeat each Value, read: (any SQLRow) throws -> Result
    ) throws -> [Result]
}
