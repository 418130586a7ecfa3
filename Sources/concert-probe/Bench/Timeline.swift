/// Calls and errors per second of a benchmark's recording, by the second each call was answered in.
struct Timeline: Sendable {
    /// Calls answered in each second since recording began.
    private(set) var calls: [Int] = []
    /// Of those, the calls answered with an error.
    private(set) var errors: [Int] = []

    /// Counts one call answered in `second` (0 is the first second of recording).
    mutating func record(second: Int, failed: Bool) {
        let second = max(0, second)
        grow(to: second + 1)
        calls[second] += 1
        if failed { errors[second] += 1 }
    }

    /// Adds the counts of `other`, second by second.
    mutating func merge(_ other: Timeline) {
        grow(to: other.calls.count)
        for second in other.calls.indices {
            calls[second] += other.calls[second]
            errors[second] += other.errors[second]
        }
    }

    /// Extends both series with zeros to at least `seconds` entries.
    private mutating func grow(to seconds: Int) {
        guard calls.count < seconds else { return }
        calls += Array(repeating: 0, count: seconds - calls.count)
        errors += Array(repeating: 0, count: seconds - errors.count)
    }
}
