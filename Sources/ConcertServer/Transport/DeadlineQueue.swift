import HeapModule
import NIOCore

/// The event-loop-side state of one running request.
final class PendingCall {
    /// The request's id, for the DEADLINE_EXCEEDED answer.
    let requestID: UInt64
    /// Whether an answer (the result or DEADLINE_EXCEEDED) has been written.
    var answered = false

    init(requestID: UInt64) {
        self.requestID = requestID
    }
}

/// The deadlines of one connection's running requests, earliest first.
///
/// One timer per connection is armed for the earliest deadline instead of one timer per
/// request: with the usual fixed client timeout each new deadline is later than the armed
/// one, so requests add no timer work. Answered calls are dropped from the front as they
/// finish, and any left inside are skipped when their time comes.
struct DeadlineQueue {
    private struct Entry: Comparable {
        let deadline: NIODeadline
        let order: UInt64
        let call: PendingCall

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.deadline, lhs.order) < (rhs.deadline, rhs.order)
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool { lhs.order == rhs.order }
    }

    private var heap = Heap<Entry>()
    private var added: UInt64 = 0
    /// The deadline the connection's timer is armed for, if any.
    private(set) var armedDeadline: NIODeadline?

    /// Adds `call` with its `deadline`; returns the deadline to arm the timer for when it
    /// must be (re)armed, or nil when the armed timer already fires early enough.
    mutating func add(_ call: PendingCall, deadline: NIODeadline) -> NIODeadline? {
        added += 1
        heap.insert(Entry(deadline: deadline, order: added, call: call))
        if let armed = armedDeadline, armed <= deadline { return nil }
        armedDeadline = deadline
        return deadline
    }

    /// Removes answered calls from the front.
    mutating func dropAnswered() {
        while let first = heap.min, first.call.answered { heap.removeMin() }
    }

    /// Called when the timer fires: removes and returns the unanswered calls whose deadline
    /// has passed, and the next deadline to arm the timer for, if any.
    mutating func expire(now: NIODeadline) -> (expired: [PendingCall], nextDeadline: NIODeadline?) {
        armedDeadline = nil
        var expired: [PendingCall] = []
        while let first = heap.min, first.deadline <= now || first.call.answered {
            heap.removeMin()
            if !first.call.answered { expired.append(first.call) }
        }
        armedDeadline = heap.min?.deadline
        return (expired, armedDeadline)
    }
}
