import ConcertProtocol
import Foundation

/// The contention scenario's outcome as text or as JSON.
struct ContentionReport {
    /// The race and its verification.
    let result: ContentionBench.Result

    private var paid: Int { count { if case .paid = $0 { true } else { false } } }
    private var withoutSeat: Int { count { if case .noSeat = $0 { true } else { false } } }

    private var failures: [String: Int] {
        result.outcomes.reduce(into: [:]) { counts, entry in
            if case .failed(let error) = entry.outcome { counts["\(error.code.name) \(error.reason)", default: 0] += 1 }
        }
    }

    private func count(_ matches: (ContentionBench.FanOutcome) -> Bool) -> Int {
        result.outcomes.filter { matches($0.outcome) }.count
    }

    /// A few lines of text ending with the verdict.
    var text: String {
        let target = result.target
        let verification = result.verification
        var lines = [
            "contention: \(result.outcomes.count) fans raced for \(result.freeSeats) free seats of concert "
                + "\(target.concertID) on \(target.date) in \(result.elapsed.formattedMilliseconds)",
            "fans: \(paid) paid, \(withoutSeat) found every seat taken, \(result.outcomes.count - paid - withoutSeat) failed",
            "reserve attempts that met a held or sold seat: \(result.conflicts)",
            "server records: \(verification.sold) seats sold, \(verification.held) held unpaid",
        ]
        for (failure, count) in failures.sorted(by: { $0.key < $1.key }) {
            lines.append("failed fans: \(failure) × \(count)")
        }
        if verification.violations.isEmpty {
            lines.append("verdict: OK — no seat was held or sold twice")
        } else {
            lines.append("verdict: VIOLATED")
            lines += verification.violations.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// The outcome as a JSON document.
    var json: JSONValue {
        .object([
            ("scenario", .string("contention")),
            ("fans", .int(result.outcomes.count)),
            ("concert_id", .int(result.target.concertID)),
            ("date", .string(result.target.date)),
            ("free_seats_at_start", .int(result.freeSeats)),
            ("elapsed_ms", .double(result.elapsed.milliseconds)),
            ("fans_paid", .int(paid)),
            ("fans_without_seat", .int(withoutSeat)),
            ("fans_failed", .object(failures.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("reserve_conflicts", .int(result.conflicts)),
            ("seats_sold", .int(result.verification.sold)),
            ("seats_held_unpaid", .int(result.verification.held)),
            ("violations", .array(result.verification.violations.map(JSONValue.string))),
            ("ok", .bool(result.verification.violations.isEmpty)),
        ])
    }
}
