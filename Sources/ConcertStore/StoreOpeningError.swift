/// The database cannot be opened for writing: the server must not start on it.
public struct StoreOpeningError: Error, Sendable, CustomStringConvertible {
    /// The database: a file path or a PostgreSQL URL (without its password).
    public var database: String
    /// What is wrong, for the operator.
    public var problem: String

    /// Creates the error for `database`.
    public init(database: String, problem: String) {
        self.database = database
        self.problem = problem
    }

    /// A message for the operator naming the database, the problem and what to check.
    public var description: String {
        guard !database.contains("://") else {
            return "cannot open the database \(database): \(problem). Check that PostgreSQL runs and accepts "
                + "connections at that address, and that the user may create tables in that database."
        }
        return "cannot open the database \(database) for writing: \(problem). Check that the file and its "
            + "folder are writable by this user, that the file system is mounted read-write and that the disk "
            + "has room."
    }
}
