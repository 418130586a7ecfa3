@testable import ConcertStore
import Testing

/// The dropped-places counter: prefix counts agree with a plain count as it grows.
@Suite struct FenwickTreeTests {
    @Test func prefixCountsMatchAPlainCountThroughGrowth() {
        var tree = FenwickTree()
        var marked = Array(repeating: 0, count: 5_001)
        var state: UInt64 = 42
        for _ in 0..<3_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let position = Int(state >> 33) % 5_000 + 1
            tree.mark(Int64(position))
            marked[position] += 1
        }
        var running: Int64 = 0
        for position in 0...5_000 {
            running += Int64(marked[position])
            #expect(tree.marks(through: Int64(position)) == running)
        }
        #expect(tree.marks(through: 1_000_000) == 3_000)
        #expect(tree.marks(through: -1) == 0)
    }
}
