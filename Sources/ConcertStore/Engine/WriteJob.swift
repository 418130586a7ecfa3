/// A queued write request: the work to run on the writer thread and the caller's continuation.
struct WriteJob: Sendable {
    /// What running a job produced; `deliver` resumes the caller and must only be called after COMMIT.
    struct Outcome {
        /// Whether the work returned normally (its savepoint is released) or threw (its savepoint is rolled back).
        let succeeded: Bool
        /// What the work threw, if it did.
        var error: (any Error)? = nil
        /// Resumes the caller with the work's result or error.
        let deliver: () -> Void
    }

    /// Runs the work on the writer's connection, inside the job's savepoint.
    let run: @Sendable (Connection) -> Outcome
    /// Resumes the caller with `error` instead of the work's outcome (the batch failed as a whole).
    let fail: @Sendable (any Error) -> Void

    /// A job running `work` whose outcome resumes `continuation` exactly once.
    static func make<Value: Sendable>(
        _ work: @escaping @Sendable (Connection) throws -> Value,
        continuation: CheckedContinuation<Value, any Error>
    ) -> WriteJob {
        WriteJob(
            run: { connection in
                do {
                    let value = try work(connection)
                    return Outcome(succeeded: true) { continuation.resume(returning: value) }
                } catch {
                    return Outcome(succeeded: false, error: error) { continuation.resume(throwing: error) }
                }
            },
            fail: { error in continuation.resume(throwing: error) }
        )
    }
}
