extension Session {
    /// Runs `body` for each of `requests` in order, each in its own savepoint: what it throws for one
    /// request rolls back what it wrote for that request and becomes that request's outcome. The form of a
    /// batch rule on a database whose statements cost no round trip (SQLite). A lone request needs no
    /// savepoint of its own: what it throws fails the write job, whose savepoint the writer rolls back.
    func eachInSavepoint<Request, Value>(
        _ requests: [Request], _ body: (Request) throws -> Value
    ) throws -> [Result<Value, any Error>] {
        if requests.count == 1 { return [.success(try body(requests[0]))] }
        return try requests.map { request in try inSavepoint { try body(request) } }
    }

    /// Runs `body` in a savepoint: what it throws rolls back what it wrote and becomes its outcome.
    private func inSavepoint<Value>(_ body: () throws -> Value) throws -> Result<Value, any Error> {
        try db.execute("SAVEPOINT request")
        do {
            let value = try body()
            try db.execute("RELEASE SAVEPOINT request")
            return .success(value)
        } catch {
            try db.execute("ROLLBACK TO SAVEPOINT request")
            try db.execute("RELEASE SAVEPOINT request")
            return .failure(error)
        }
    }
}
