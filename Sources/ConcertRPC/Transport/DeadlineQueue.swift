internal import HeapModule
internal import NIOCore

/// The event-loop-side state of one running request.
final class PendingCall {
    /// The request's id, for the DEADLINE_EXCEEDED answer.
    let requestID: UInt64
    /// The bytes charged to the memory budgets for the request.
    let cost: Int
    /// Whether an answer (the result or DEADLINE_EXCEEDED) has been written.
    fileprivate(set) var answered = false
    /// Whether the call is in a ``DeadlineQueue``.
    fileprivate var hasDeadline = false

    init(requestID: UInt64, cost: Int = 0) {
        self.requestID = requestID
        self.cost = cost
    }
}

/// The deadlines of one connection's running requests, earliest first.
///
/// One timer per connection is armed for the earliest deadline instead of one timer per
/// request: with the usual fixed client timeout each new deadline is later than the armed
/// one, so requests add no timer work. Answered calls are dropped from the front as they
/// finish; when answered calls inside outnumber the unanswered ones, the heap is rebuilt
/// without them, so it never holds more than twice the calls still running.
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
    private var answeredInside = 0
    /// The deadline the connection's timer is armed for, if any.
    private(set) var armedDeadline: NIODeadline?

    /// Adds `call` with its `deadline`; returns the deadline to arm the timer for when it
    /// must be (re)armed, or nil when the armed timer already fires early enough.
    mutating func add(_ call: PendingCall, deadline: NIODeadline) -> NIODeadline? {
        added += 1
        call.hasDeadline = true
        heap.insert(Entry(deadline: deadline, order: added, call: call))
        if let armed = armedDeadline, armed <= deadline { return nil }
        armedDeadline = deadline
        return deadline
    }

    /// The calls held, answered ones not yet dropped included.
    var count: Int { heap.count }

    /// Marks `call` answered; it leaves the queue at the next ``dropAnswered()`` or expiry.
    mutating func markAnswered(_ call: PendingCall) {
        guard !call.answered else { return }
        call.answered = true
        if call.hasDeadline { answeredInside += 1 }
    }

    /// Removes answered calls: those at the front, and all of them once they are the majority.
    mutating func dropAnswered() {
        while let first = heap.min, first.call.answered {
            heap.removeMin()
            answeredInside -= 1
        }
        if answeredInside > 16, answeredInside * 2 > heap.count {
            heap = Heap(heap.unordered.filter { !$0.call.answered })
            answeredInside = 0
        }
    }

    /// Called when the timer fires: removes and returns the unanswered calls whose deadline
    /// has passed, and the next deadline to arm the timer for, if any.
    mutating func expire(now: NIODeadline) -> (expired: [PendingCall], nextDeadline: NIODeadline?) {
        armedDeadline = nil
        var expired: [PendingCall] = []
        while let first = heap.min, first.deadline <= now || first.call.answered {
            heap.removeMin()
            if first.call.answered {
                answeredInside -= 1
            } else {
                first.call.hasDeadline = false
                expired.append(first.call)
            }
        }
        armedDeadline = heap.min?.deadline
        return (expired, armedDeadline)
    }
}
