import Foundation

/// A queue of work for threads that block waiting for it: producers `put`, each worker thread `take`s up
/// to a batch at a time. `close()` refuses new work and lets the workers drain what is queued.
///
/// Package-wide: both engines' writer threads and PostgreSQL's reader threads are fed by one.
///
/// `@unchecked Sendable`: `items` and `closed` are only touched with `condition` locked.
package final class WorkQueue<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private var closed = false

    /// An empty, open queue.
    package init() {}

    /// Queues `item`; false when the queue is closed.
    package func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { return false }
        items.append(item)
        condition.signal()
        return true
    }

    /// Waits for work and takes up to `limit` items in queue order; nil once the queue is closed and empty.
    package func take(upTo limit: Int) -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed {
            condition.wait()
        }
        guard !items.isEmpty else { return nil }
        if items.count <= limit {
            defer { items = [] }
            return items
        }
        let batch = Array(items.prefix(limit))
        items.removeFirst(limit)
        return batch
    }

    /// Refuses new work and wakes every waiting worker.
    package func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}
