internal import Synchronization

/// The memory that requests received and not yet answered may hold, across the whole server.
///
/// Each request is charged ``cost(frameBytes:)`` when it is read and released when it is
/// answered and its work has finished. A request that would take the total past the limit
/// is answered RESOURCE_EXHAUSTED / SERVER_OVERLOADED at once and never run.
final class RequestMemoryBudget: Sendable {
    /// The most bytes all unanswered requests may hold together.
    let limit: Int
    private let used = Atomic<Int>(0)

    /// A budget of `limit` bytes.
    init(limit: Int) {
        self.limit = limit
    }

    /// What one request is charged: its frame twice (the frame, then the payload copied out
    /// of it) and 1 KiB for everything decoded from it, which the request limits bound.
    static func cost(frameBytes: Int) -> Int { 2 * frameBytes + 1024 }

    /// The bytes held now.
    var inUse: Int { used.load(ordering: .relaxed) }

    /// Takes `bytes` from the budget; false, with nothing taken, when that would pass the limit.
    func reserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while current + bytes <= limit {
            let (exchanged, original) = used.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives `bytes` back.
    func release(_ bytes: Int) {
        used.subtract(bytes, ordering: .relaxed)
    }
}
