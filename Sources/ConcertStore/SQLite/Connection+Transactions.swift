/// Transaction control through cached statements.
extension Connection {
    /// Starts a deferred (read) transaction: the snapshot is taken at the first read.
    func beginDeferred() throws {
        try execute("BEGIN DEFERRED")
    }

    /// Starts a write transaction, taking the database's write lock now (waiting up to the busy timeout).
    func beginImmediate() throws {
        try execute("BEGIN IMMEDIATE")
    }

    /// Commits the open transaction.
    func commit() throws {
        try execute("COMMIT")
    }

    /// Rolls back the open transaction, if any; failures are ignored because SQLite may already have rolled back.
    func rollbackIfOpen() {
        guard !isAutocommit else { return }
        _ = try? execute("ROLLBACK")
    }

    /// Opens the per-job savepoint.
    func savepoint() throws {
        try execute("SAVEPOINT job")
    }

    /// Keeps the per-job savepoint's changes.
    func releaseSavepoint() throws {
        try execute("RELEASE job")
    }

    /// Undoes the per-job savepoint's changes and closes it.
    func rollbackSavepoint() throws {
        try execute("ROLLBACK TO job")
        try execute("RELEASE job")
    }

    /// Runs `body` in a write transaction (BEGIN IMMEDIATE), committing afterwards or rolling back on error.
    func writeTransaction<Result>(_ body: () throws -> Result) throws -> Result {
        try transaction(begin: beginImmediate, body)
    }

    /// Runs `begin`, then `body`; commits when `body` returns and rolls back when anything throws.
    private func transaction<Result>(begin: () throws -> Void, _ body: () throws -> Result) throws -> Result {
        try begin()
        do {
            let result = try body()
            try commit()
            return result
        } catch {
            rollbackIfOpen()
            throw error
        }
    }
}
