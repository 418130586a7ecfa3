import ConcertProtocol
import Foundation

/// The table `top` prints: a header and one row per sale, in columns padded to their widest cell.
enum SaleTable {
    /// The column titles.
    static let titles = [
        "CONCERT", "STATE", "PAUSED", "PRE-QUEUED", "WAITING", "ACTIVE/N", "ADMITTED/MIN", "DROPPED", "TIME TO EMPTY",
    ]

    /// The cells of one sale's row, in the order of ``titles``.
    static func row(_ stats: SaleStats) -> [String] {
        let sale = stats.sale ?? Sale()
        return [
            String(sale.concertID), sale.state.name, sale.admissionPaused ? "yes" : "no", String(stats.preQueued),
            String(stats.waiting), "\(stats.active)/\(sale.maxActive)", String(stats.admittedLastMinute),
            String(stats.dropped), SaleText.timeToEmpty(stats),
        ]
    }

    /// The header and a row per sale, each line ending in a newline.
    static func render(_ sales: [SaleStats]) -> String {
        let rows = [titles] + sales.map(row)
        let widths = titles.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { cells in
            cells.indices.map { column in
                column == cells.count - 1 ? cells[column] : cells[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            .joined(separator: "  ") + "\n"
        }
        .joined()
    }
}
