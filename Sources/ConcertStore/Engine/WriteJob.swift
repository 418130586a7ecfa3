/// A queued write request: the work to run on the writer's connection and the caller's completion.
public struct WriteJob: Sendable {
    /// What running a job produced; `deliver` resumes the caller and must only be called after COMMIT.
    public struct Outcome {
        /// Whether the work returned normally (its savepoint is released) or threw (its savepoint is rolled back).
        public let succeeded: Bool
        /// What the work threw, if it did.
        public var error: (any Error)? = nil
        /// Resumes the caller with the work's result or error.
        public let deliver: () -> Void
    }

    /// What the job may change (see ``WriteScope``): asked once, when the engine puts the job in a batch and
    /// before it runs it.
    public let scope: @Sendable () -> WriteScope
    /// Runs the work on the writer's connection, inside the job's savepoint.
    public let run: @Sendable (any SQLDatabase) -> Outcome
    /// Resumes the caller with `error` instead of the work's outcome (the batch failed as a whole).
    public let fail: @Sendable (any Error) -> Void

    /// A job running `work`, which changes only what `scope` covers, whose outcome goes to `completion`
    /// exactly once.
    static func make<Value: Sendable>(
        scope: WriteScope, _ work: @escaping @Sendable (any SQLDatabase) throws -> Value,
        completion: @escaping @Sendable (Result<Value, any Error>) -> Void
    ) -> WriteJob {
        WriteJob(
            scope: { scope },
            run: { connection in
                do {
                    let value = try work(connection)
                    return Outcome(succeeded: true) { completion(.success(value)) }
                } catch {
                    return Outcome(succeeded: false, error: error) { completion(.failure(error)) }
                }
            },
            fail: { error in completion(.failure(error)) }
        )
    }
}
