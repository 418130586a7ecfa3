import ConcertProtocol

/// The human lines the `admin` commands and `top` print for a sale's settings and figures.
enum SaleText {
    /// A few lines of one sale's figures: state, line, admissions, outcomes, waits and servers.
    static func describe(_ stats: SaleStats) -> String {
        guard let sale = stats.sale else { return "no sale" }
        let servers = stats.servers.isEmpty ? "none" : stats.servers.joined(separator: ", ")
        return """
            sale of concert \(sale.concertID): \(sale.state.name), \(sale.admissionPaused ? "admission paused" : "admitting")
              pre-queued \(stats.preQueued), waiting \(stats.waiting), active \(stats.active)/\(sale.maxActive)
              admitted \(stats.admitted) (\(stats.admittedLastMinute) in the last minute), dropped \(stats.dropped), left \(stats.left), paid \(stats.paid)
              oldest wait \(stats.waiting == 0 ? "none" : span(stats.oldestWaitingMs)), time to empty \(timeToEmpty(stats))
              servers: \(servers)
            """
    }

    /// One sale's state and settings on a line.
    static func describe(_ sale: Sale) -> String {
        let closes = sale.closesAtUnixMs == 0 ? "never" : FanJourney.time(sale.closesAtUnixMs)
        let cap =
            sale.admissionsPerInterval == 0
            ? "no cap" : "\(sale.admissionsPerInterval) per \(sale.admissionIntervalMs) ms"
        return "sale of concert \(sale.concertID): \(sale.state.name), \(sale.admissionPaused ? "admission paused" : "admitting"), "
            + "N \(sale.maxActive) (\(cap)), active for \(span(sale.activeLifetimeMs)) (idle \(span(sale.activeIdleMs))), "
            + "opens \(FanJourney.time(sale.opensAtUnixMs)), closes \(closes)"
    }

    /// The estimated time until the line is empty, or `unknown`.
    static func timeToEmpty(_ stats: SaleStats) -> String {
        stats.timeToEmptyKnown ? span(stats.timeToEmptyMs) : "unknown"
    }

    /// A span of milliseconds for people: `850 ms`, `42 s`, `3 min 05 s`, `2 h 07 min`.
    static func span(_ milliseconds: Int64) -> String {
        let seconds = milliseconds / 1000
        switch milliseconds {
        case ..<1000: return "\(max(0, milliseconds)) ms"
        case ..<60_000: return "\(seconds) s"
        case ..<3_600_000: return "\(seconds / 60) min \(twoDigits(seconds % 60)) s"
        default: return "\(seconds / 3600) h \(twoDigits(seconds / 60 % 60)) min"
        }
    }

    /// `value` with a leading zero below 10.
    private static func twoDigits(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
