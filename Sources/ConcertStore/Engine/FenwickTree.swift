/// Counts marked positions 1, 2, 3, … and answers "how many marks up to i" in O(log n)
/// (a binary indexed tree). It grows by doubling as higher positions are marked.
struct FenwickTree {
    /// Node i (1-based) holds the count of marks in (i − lowbit(i), i]; index 0 is unused.
    private var nodes: [Int32] = [0, 0]

    private var capacity: Int { nodes.count - 1 }

    /// Marks `position` (> 0) once more.
    mutating func mark(_ position: Int64) {
        let position = Int(position)
        while position > capacity { grow() }
        var index = position
        while index <= capacity {
            nodes[index] += 1
            index += index & -index
        }
    }

    /// How many marks lie in 1...`position`.
    func marks(through position: Int64) -> Int64 {
        var index = Int(min(max(position, 0), Int64(capacity)))
        var total: Int64 = 0
        while index > 0 {
            total += Int64(nodes[index])
            index -= index & -index
        }
        return total
    }

    /// Doubles the capacity (always a power of two): the new nodes cover only empty positions,
    /// except the last, which covers everything.
    private mutating func grow() {
        let total = Int32(marks(through: Int64(capacity)))
        let doubled = capacity * 2
        nodes.append(contentsOf: repeatElement(0, count: capacity))
        nodes[doubled] = total
    }
}
