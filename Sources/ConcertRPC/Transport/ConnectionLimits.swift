/// What one connection may hold and how long its close may take.
struct ConnectionLimits: Sendable {
    /// Requests running at once; more wait and reading stops.
    var maxInFlight: Int
    /// Bytes of unanswered requests (as ``RequestMemoryBudget/cost(frameBytes:)`` counts them)
    /// above which the connection is not read until some are answered.
    var maxPendingBytes: Int
    /// How long a closing connection may take to flush its last answers before it is closed hard.
    var closeGrace: Duration
    /// The server-wide budget every request is charged to.
    var budget: RequestMemoryBudget
}
