import Foundation

/// A queue of work for threads that block waiting for it: producers `put`, each worker thread `take`s up
/// to a batch at a time. `close()` refuses new work and lets the workers drain what is queued.
///
/// `@unchecked Sendable`: `items` and `closed` are only touched with `condition` locked.
final class WorkQueue<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private var closed = false

    /// Queues `item`; false when the queue is closed.
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        items.append(item)
        condition.signal()
        return true
    }

    /// Waits for work and takes up to `limit` items in queue order; nil once the queue is closed and empty.
    func take(upTo limit: Int) -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed {
            condition.wait()
        }
        guard !items.isEmpty else { return nil }
        let count = min(limit, items.count)
        let batch = Array(items.prefix(count))
        items.removeFirst(count)
        return batch
    }

    /// Refuses new work and wakes every waiting worker.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
