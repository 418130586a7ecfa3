import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertStore
import HeapModule
import Synchronization

/// The fans of this server who watch their place (`QueueService/WatchQueue`).
///
/// A watcher is looked at again at the time ``WatchCadence`` gives for its status: a min-heap by that
/// instant holds every watcher, and each round pops only the due ones. A round reads each due sale's line
/// once; a waiting fan behind the front of the line (``WatchCadence/frontPositions``) whose line has not
/// moved since its last look (no admission, no one joined or left) is put back without a read until its
/// heartbeat is due. Otherwise its status is read (one indexed read, or the server's view of the line on
/// PostgreSQL, which also counts as hearing the fan for presence) and sent when it changed or the heartbeat
/// is due. An admission wave therefore costs the admitted fans' next look (100 ms later at the very front,
/// at most half a second near it), never a visit to every watcher of the line. A watcher leaves when its
/// token can change no more (the stream ends OK), when the client cancels, or when its connection closes.
final class QueueWatchers: Sendable {
    private struct Watcher {
        let token: String
        let stream: ServerStream<WatchQueueResponse>
        var last: ConcertDomain.QueueStatus
        var lastSentMs: Int64
        var lineVersion: LineVersion?
    }

    /// What changes a waiting fan's position, state or status: an admission, the line shrinking or growing,
    /// admission paused or resumed.
    private struct LineVersion: Equatable {
        let lastAdmissionAtMs: Int64?
        let waiting: Int64
        let active: Int64
        let paused: Bool

        init(_ line: SaleLine) {
            lastAdmissionAtMs = line.lastAdmissionAtMs
            waiting = line.waiting
            active = line.active
            paused = line.sale.isAdmissionPaused
        }
    }

    private struct Due: Comparable {
        let atMs: Int64
        let id: UInt64

        static func < (lhs: Due, rhs: Due) -> Bool { (lhs.atMs, lhs.id) < (rhs.atMs, rhs.id) }
    }

    private struct State {
        var watchers: [UInt64: Watcher] = [:]
        var due = Heap<Due>()
        var nextID: UInt64 = 1
    }

    private let store: ConcertStore
    private let clock: any ConcertClock
    private let heartbeatMs: Int64
    private let state = Mutex(State())

    /// Watchers reading `store`, at `clock`'s time, sending a heartbeat every `heartbeatMs`.
    init(store: ConcertStore, clock: any ConcertClock, heartbeatMs: Int64) {
        self.store = store
        self.clock = clock
        self.heartbeatMs = heartbeatMs
    }

    /// How many fans watch now.
    var count: Int { state.withLock { $0.watchers.count } }

    /// Sends `token`'s status on `stream` as soon as it is read and keeps watching it; a token that can
    /// change no more ends the stream at once. A token the store refuses throws before anything is sent
    /// when the read is answered at once (SQLite), else ends the stream with that error.
    func watch(token: String, stream: ServerStream<WatchQueueResponse>) throws {
        let read = store.reads.queueStatus(token: token)
        if let result = read.readyResult {
            start(token: token, stream: stream, status: try result.get())
            return
        }
        read.whenDone { [self] result in
            switch result {
            case .success(let status): start(token: token, stream: stream, status: status)
            case .failure(let error): stream.finish(error)
            }
        }
    }

    /// Sends the first `status` and registers the watcher.
    private func start(token: String, stream: ServerStream<WatchQueueResponse>, status: ConcertDomain.QueueStatus) {
        let now = clock.now()
        stream.send(WatchQueueResponse(status: status.wire))
        guard let look = WatchCadence.nextLook(after: status, now: now) else {
            Self.end(stream, at: status)
            return
        }
        let next = min(look, now + heartbeatMs)
        let id = state.withLock { state in
            let id = state.nextID
            state.nextID += 1
            state.watchers[id] = Watcher(token: token, stream: stream, last: status, lastSentMs: now, lineVersion: nil)
            state.due.insert(Due(atMs: next, id: id))
            return id
        }
        stream.onTermination { [weak self] in self?.forget(id) }
    }

    /// Looks at every watcher that is due at the clock's now.
    func lookAtDue() async {
        let now = clock.now()
        let due = state.withLock { state -> [(UInt64, Watcher)] in
            var due: [(UInt64, Watcher)] = []
            while let first = state.due.min, first.atMs <= now {
                state.due.removeMin()
                if let watcher = state.watchers[first.id] { due.append((first.id, watcher)) }
            }
            return due
        }
        var versions: [Int64: LineVersion] = [:]
        for concertID in Set(due.map(\.1.last.concertID)) {
            versions[concertID] = (try? await store.reads.saleLine(concertID: concertID).value()).map(LineVersion.init)
        }
        for (id, watcher) in due {
            let version = versions[watcher.last.concertID]
            if watcher.last.state == .waiting, watcher.last.position > WatchCadence.frontPositions, version != nil,
                version == watcher.lineVersion, now - watcher.lastSentMs < heartbeatMs
            {
                let look = WatchCadence.nextLook(after: watcher.last, now: now) ?? now + heartbeatMs
                reschedule(id, at: min(look, watcher.lastSentMs + heartbeatMs))
                continue
            }
            await look(at: watcher, id: id, version: version, now: now)
        }
    }

    /// Looks again at `id` at `atMs`, reading nothing now: its line has not moved.
    private func reschedule(_ id: UInt64, at atMs: Int64) {
        state.withLock { state in
            guard state.watchers[id] != nil else { return }
            state.due.insert(Due(atMs: atMs, id: id))
        }
    }

    private func look(at watcher: Watcher, id: UInt64, version: LineVersion?, now: Int64) async {
        let status: ConcertDomain.QueueStatus
        do {
            status = try await store.reads.queueStatus(token: watcher.token).value()
        } catch {
            forget(id)
            watcher.stream.finish(error)
            return
        }
        let send = status != watcher.last || now - watcher.lastSentMs >= heartbeatMs
        if send { watcher.stream.send(WatchQueueResponse(status: status.wire)) }
        guard let look = WatchCadence.nextLook(after: status, now: now) else {
            forget(id)
            Self.end(watcher.stream, at: status)
            return
        }
        let next = min(look, (send ? now : watcher.lastSentMs) + heartbeatMs)
        state.withLock { state in
            guard state.watchers[id] != nil else { return }
            state.watchers[id]?.last = status
            state.watchers[id]?.lineVersion = version
            if send { state.watchers[id]?.lastSentMs = now }
            state.due.insert(Due(atMs: next, id: id))
        }
    }

    /// Ends a watch whose token can change no more: OK, or TOKEN_REVOKED for a revoked token.
    private static func end(_ stream: ServerStream<WatchQueueResponse>, at status: ConcertDomain.QueueStatus) {
        if status.state == .revoked {
            stream.finish(ConcertError(.tokenRevoked))
        } else {
            stream.finish()
        }
    }

    private func forget(_ id: UInt64) {
        state.withLock { _ = $0.watchers.removeValue(forKey: id) }
    }
}
