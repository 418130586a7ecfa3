import Synchronization

/// This process's index of the dropped (abandoned) places of every sale's line, so that a
/// position — the present fans ahead plus one — costs O(log n) in memory instead of a count
/// over the line.
///
/// The database is the truth: `abandonments` logs every dropped place in commit order and
/// `sales.dropped` counts them. A reader passes the count it read in its own transaction; the
/// index first loads the rows it has not seen yet (from any process), so every answer reflects
/// at least the reader's snapshot.
final class DroppedPlaces: Sendable {
    private struct Line {
        var tree = FenwickTree()
        var applied: Int64 = 0
        var lastID: Int64 = 0
    }

    private let lines = Mutex<[Int64: Line]>([:])

    /// How many places of sale `concertID` in `after + 1 ..< before` are dropped, once the index holds
    /// the sale's first `dropped` drops; `load(lastID)` returns the sale's drops with a larger id, by id.
    func count(
        concertID: Int64, after: Int64, before: Int64, dropped: Int64,
        load: (_ afterID: Int64) throws -> [(id: Int64, place: Int64)]
    ) rethrows -> Int64 {
        guard dropped > 0, before - 1 > after else { return 0 }
        return try lines.withLock { lines in
            try Self.catchUp(&lines[concertID, default: Line()], dropped: dropped, load: load)
            let tree = lines[concertID]!.tree
            return tree.marks(through: before - 1) - tree.marks(through: after)
        }
    }

    /// Brings the index of sale `concertID` up to its first `dropped` drops (see ``count``).
    func catchUp(
        concertID: Int64, dropped: Int64, load: (_ afterID: Int64) throws -> [(id: Int64, place: Int64)]
    ) rethrows {
        guard dropped > 0 else { return }
        try lines.withLock { lines in
            try Self.catchUp(&lines[concertID, default: Line()], dropped: dropped, load: load)
        }
    }

    private static func catchUp(
        _ line: inout Line, dropped: Int64, load: (_ afterID: Int64) throws -> [(id: Int64, place: Int64)]
    ) rethrows {
        guard line.applied < dropped else { return }
        for row in try load(line.lastID) {
            line.tree.mark(row.place)
            line.lastID = row.id
            line.applied += 1
        }
    }
}
