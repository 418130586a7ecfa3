@testable import ConcertStore
@testable import ConcertStorePostgres
import Foundation
import Testing

/// The queue a PostgreSQL writer's lanes take their batches from: lanes never run jobs whose scopes meet at
/// the same time, jobs that meet keep their order, and a job that may change anything runs alone.
@Suite struct WriteLaneQueueTests {
    @Test func jobsThatMeetABatchInFlightWaitAndKeepTheirOrder() {
        let queue = WriteLaneQueue()
        let userX = UUID(), userY = UUID()
        for (name, part) in [("A", WriteScope.Part.sale(1)), ("B", .user(userX)), ("C", .sale(1)), ("D", .user(userY))] {
            #expect(queue.put(job(name, .only([part]))))
        }
        #expect(names(queue.takeNow(lane: 0, upTo: 1)) == ["A"])
        #expect(names(queue.takeNow(lane: 1, upTo: 8)) == ["B", "D"])
        #expect(queue.takeNow(lane: 2, upTo: 8).isEmpty)
        queue.finished(lane: 0)
        #expect(names(queue.takeNow(lane: 2, upTo: 8)) == ["C"])
    }

    @Test func aJobBehindOneThatWaitsWaitsToo() {
        let queue = WriteLaneQueue()
        #expect(queue.put(job("A", .only([.sale(1)]))))
        #expect(names(queue.takeNow(lane: 0, upTo: 8)) == ["A"])
        #expect(queue.put(job("B", .only([.sale(1), .sale(2)]))))
        #expect(queue.put(job("C", .only([.sale(2)]))))
        #expect(queue.put(job("D", .only([.sale(3)]))))
        #expect(names(queue.takeNow(lane: 1, upTo: 8)) == ["D"])
        queue.finished(lane: 0)
        queue.finished(lane: 1)
        #expect(names(queue.takeNow(lane: 0, upTo: 8)) == ["B", "C"])
    }

    @Test func aJobThatMayChangeEverythingRunsAlone() {
        let queue = WriteLaneQueue()
        #expect(queue.put(job("A", .only([.sale(1)]))))
        #expect(names(queue.takeNow(lane: 1, upTo: 8)) == ["A"])
        #expect(queue.put(job("E", .everything)))
        #expect(queue.put(job("F", .only([.sale(2)]))))
        #expect(queue.takeNow(lane: 0, upTo: 8).isEmpty)
        queue.finished(lane: 1)
        #expect(names(queue.takeNow(lane: 0, upTo: 8)) == ["E"])
        #expect(queue.takeNow(lane: 1, upTo: 8).isEmpty)
        queue.finished(lane: 0)
        #expect(names(queue.takeNow(lane: 1, upTo: 8)) == ["F"])
    }

    @Test func aClosedQueueRefusesJobsAndHandsOutWhatItHolds() {
        let queue = WriteLaneQueue()
        #expect(queue.put(job("A", .only([.sale(1)]))))
        queue.close()
        #expect(!queue.put(job("B", .only([.sale(2)]))))
        #expect(queue.take(lane: 0, upTo: 8).map(names) == ["A"])
        queue.finished(lane: 0)
        #expect(queue.take(lane: 0, upTo: 8) == nil)
    }

    /// A job whose scope is `scope` plus a label part naming it (the name of a token nobody holds).
    private func job(_ name: String, _ scope: WriteScope) -> WriteJob {
        let labelled = scope.parts.map { WriteScope.only($0.union([.tokenUser(name)])) } ?? .everything
        return WriteJob.make(scope: labelled, { _ in name }, completion: { _ in })
    }

    /// The names of the jobs of `batch`, in order ("E" for the job that may change everything).
    private func names(_ batch: [(job: WriteJob, scope: WriteScope)]) -> [String] {
        batch.map { entry in
            guard let parts = entry.scope.parts else { return "E" }
            return parts.compactMap { part in
                if case .tokenUser(let name) = part { return name }
                return nil
            }.first ?? "?"
        }
    }
}
