/// The database cannot be opened for writing: the server must not start on it.
public struct StoreOpeningError: Error, Sendable, CustomStringConvertible {
    /// The database file.
    public var path: String
    /// What is wrong, for the operator.
    public var problem: String

    /// Creates the error for `path`.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }

    /// A message for the operator naming the file, the problem and what to check.
    public var description: String {
        "cannot open the database \(path) for writing: \(problem). Check that the file and its folder are "
            + "writable by this user, that the file system is mounted read-write and that the disk has room."
    }
}
