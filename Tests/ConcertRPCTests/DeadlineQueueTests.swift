@testable import ConcertRPC
import NIOCore
import Testing

/// The per-connection deadline queue: one timer, earliest first, answered calls skipped.
@Suite("Deadline queue")
struct DeadlineQueueTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test("later deadlines need no new timer; an earlier one re-arms it")
    func arming() {
        var queue = DeadlineQueue()
        #expect(queue.add(PendingCall(requestID: 1), deadline: start + .seconds(10)) == start + .seconds(10))
        #expect(queue.add(PendingCall(requestID: 2), deadline: start + .seconds(11)) == nil)
        #expect(queue.add(PendingCall(requestID: 3), deadline: start + .seconds(1)) == start + .seconds(1))
        #expect(queue.armedDeadline == start + .seconds(1))
    }

    @Test("expiry returns only unanswered calls that are due, and the next deadline")
    func expiry() {
        var queue = DeadlineQueue()
        let calls = (1...4).map { PendingCall(requestID: UInt64($0)) }
        for (index, call) in calls.enumerated() {
            _ = queue.add(call, deadline: start + .seconds(Int64(index + 1)))
        }
        queue.markAnswered(calls[0])
        queue.dropAnswered()
        let (expired, next) = queue.expire(now: start + .seconds(3))
        #expect(expired.map(\.requestID) == [2, 3])
        #expect(next == start + .seconds(4))
        queue.markAnswered(calls[3])
        let (none, after) = queue.expire(now: start + .seconds(5))
        #expect(none.isEmpty)
        #expect(after == nil)
        #expect(queue.armedDeadline == nil)
    }

    @Test("answered calls behind a running one with an earlier deadline do not pile up")
    func answeredCallsLeave() {
        var queue = DeadlineQueue()
        let running = (1...100).map { PendingCall(requestID: UInt64($0)) }
        for call in running { _ = queue.add(call, deadline: start + .seconds(10)) }
        for id in 1...10_000 {
            let call = PendingCall(requestID: UInt64(1000 + id))
            _ = queue.add(call, deadline: start + .seconds(3600))
            queue.markAnswered(call)
            queue.dropAnswered()
        }
        #expect(queue.count <= 2 * running.count + 40)
        #expect(queue.expire(now: start + .seconds(10)).expired.count == running.count)
    }
}
