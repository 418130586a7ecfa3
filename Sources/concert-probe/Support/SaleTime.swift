import ArgumentParser
import Foundation

/// A sale time on the command line: an ISO 8601 instant (`2027-03-01T18:00:00Z`, fractional seconds and
/// offsets allowed), or `never` (Unix ms 0, the protocol's "no closing time").
struct SaleTime: ExpressibleByArgument {
    /// The instant in Unix ms UTC; 0 for `never`.
    let unixMs: Int64

    /// Parses `never` or an ISO 8601 instant.
    init?(argument: String) {
        if argument.lowercased() == "never" {
            unixMs = 0
            return
        }
        let parsed = (try? Date(argument, strategy: .iso8601))
            ?? (try? Date(argument, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        guard let parsed else { return nil }
        unixMs = Int64((parsed.timeIntervalSince1970 * 1000).rounded())
    }
}
