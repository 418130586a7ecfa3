import CSQLite
import Foundation

/// Query-only connections kept per thread, each with a read snapshot it may reuse briefly: a reader uses
/// the connection of its thread's slot (opened on first use), so the event loops that serve reads inline
/// never wait for each other or for the writer.
///
/// A read transaction costs two statements and a few file-lock system calls, more than the indexed lookups
/// it serves. So a slot keeps its snapshot open for the next read, at most ``maxSnapshotAgeNs`` and only
/// while no write of this process has committed since it began (``CommitGeneration``): every read sees
/// every write of this process that completed before it, and the writes of other processes at most
/// 2 ms late. ``closeStaleSnapshots()`` ends the snapshots that nobody reused, so none holds back a WAL
/// checkpoint for long.
///
/// Threads get slots by ``ThreadOrdinal`` modulo the slot count; two threads sharing a slot take turns
/// on its lock. `@unchecked Sendable`: a slot's state is only touched with its lock held.
final class ReadPool: @unchecked Sendable {
    private final class Slot {
        let lock = NSLock()
        var connection: Connection?
        var snapshot: (beganNs: UInt64, generation: UInt64)?
        var isClosed = false

        /// Ends the open snapshot, if any.
        func endSnapshot() {
            guard snapshot != nil else { return }
            snapshot = nil
            connection?.rollbackIfOpen()
        }
    }

    /// How long a snapshot may be reused, in nanoseconds: 2 ms.
    static let maxSnapshotAgeNs: UInt64 = 2_000_000
    private static let slotCount = 64
    private let path: String
    private let busyTimeoutMs: Int32
    private let slots: [Slot]

    /// Creates an empty pool for the database at `path`.
    init(path: String, busyTimeoutMs: Int32) {
        self.path = path
        self.busyTimeoutMs = busyTimeoutMs
        self.slots = (0..<Self.slotCount).map { _ in Slot() }
    }

    /// Runs `body` in a read transaction on the calling thread's connection: the slot's open snapshot while
    /// it may be reused, else a new one (`fresh` always takes a new one). Fails with STORE_BUSY once the
    /// pool is closed.
    func withSnapshot<Result>(fresh: Bool = false, _ body: (Connection) throws -> Result) throws -> Result {
        let slot = slots[ThreadOrdinal.current % Self.slotCount]
        slot.lock.lock()
        defer { slot.lock.unlock() }
        guard !slot.isClosed else { throw Unavailable.closed }
        let connection = try slot.connection ?? Connection(path: path, busyTimeoutMs: busyTimeoutMs, role: .reader)
        slot.connection = connection
        let now = DispatchTime.now().uptimeNanoseconds
        if fresh || !Self.reusable(slot.snapshot, now: now) {
            slot.endSnapshot()
            let generation = CommitGeneration.current
            try connection.beginDeferred()
            slot.snapshot = (now, generation)
        }
        do {
            return try body(connection)
        } catch {
            slot.endSnapshot()
            throw error
        }
    }

    /// Ends every snapshot older than ``maxSnapshotAgeNs``; the presence job calls it every second.
    func closeStaleSnapshots() {
        let now = DispatchTime.now().uptimeNanoseconds
        for slot in slots {
            slot.lock.withLock {
                if !Self.reusable(slot.snapshot, now: now) { slot.endSnapshot() }
            }
        }
    }

    /// Closes every connection (waiting for one in use); later reads fail. Idempotent.
    func close() {
        for slot in slots {
            slot.lock.withLock {
                slot.isClosed = true
                slot.endSnapshot()
                slot.connection?.close()
                slot.connection = nil
            }
        }
    }

    private static func reusable(_ snapshot: (beganNs: UInt64, generation: UInt64)?, now: UInt64) -> Bool {
        guard let snapshot else { return false }
        return now &- snapshot.beganNs < maxSnapshotAgeNs && snapshot.generation == CommitGeneration.current
    }
}
