import ConcertDomain

/// Runs `count` tasks at once, each calling `body` with its index, and returns each task's outcome by index:
/// the value, or the `ConcertError` reason it failed with (any other error is rethrown).
func concurrently<Value: Sendable>(
    _ count: Int, _ body: @escaping @Sendable (Int) async throws -> Value
) async throws -> [Result<Value, ConcertError>] {
    try await withThrowingTaskGroup(of: (Int, Result<Value, ConcertError>).self) { group in
        for index in 0..<count {
            group.addTask {
                do {
                    return (index, .success(try await body(index)))
                } catch let error as ConcertError {
                    return (index, .failure(error))
                }
            }
        }
        var outcomes = [Result<Value, ConcertError>?](repeating: nil, count: count)
        for try await (index, outcome) in group {
            outcomes[index] = outcome
        }
        return outcomes.compactMap { $0 }
    }
}

extension Array {
    /// The successful values of an array of outcomes.
    func successes<Value, Failure>() -> [Value] where Element == Result<Value, Failure> {
        compactMap { try? $0.get() }
    }

    /// The failure reasons of an array of outcomes.
    func failureReasons<Value>() -> [ConcertError.Reason] where Element == Result<Value, ConcertError> {
        compactMap { outcome in
            if case .failure(let error) = outcome { return error.reason }
            return nil
        }
    }
}

extension Array where Element == ConcertError.Reason {
    /// How often each reason occurs.
    var tally: [ConcertError.Reason: Int] {
        reduce(into: [:]) { counts, reason in counts[reason, default: 0] += 1 }
    }
}

extension Array where Element == Int64 {
    /// Whether the elements are exactly the numbers of `range`, each once, in any order.
    func isExactly(_ range: ClosedRange<Int64>) -> Bool {
        count == range.count && Set(self).count == count && allSatisfy(range.contains)
    }
}
