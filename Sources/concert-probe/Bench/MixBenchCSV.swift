import Foundation

/// The mixed benchmark's results as CSV: a header and one row per method, then the total; every
/// method's failures grouped by code (`CODE:REASON=n;…`) and whether it never had an OK call.
struct MixBenchCSV {
    /// The figures to write.
    let report: MixBenchReport

    /// The CSV text, lines ending in CRLF as RFC 4180 writes them.
    var text: String {
        let header = [
            "method", "calls", "ok", "errors", "calls_per_s", "p50_us", "p90_us", "p99_us", "p99_9_us", "max_us",
            "never_ok", "errors_by_code",
        ]
        let neverOK = Set(report.methodsNeverOK)
        let rows = (report.methods + [("total", report.total)]).map { name, stats in
            let latency = stats.latency
            let errors = stats.groupedErrors.flatMap { group in
                group.reasons.map { "\(group.code):\($0.reason)=\($0.count)" }
            }
            return [
                name, "\(stats.calls)", "\(stats.ok)", "\(stats.errors)",
                MixBenchReport.number(Double(stats.calls) / report.seconds),
                "\(latency.valueAtPercentile(50))", "\(latency.valueAtPercentile(90))", "\(latency.valueAtPercentile(99))",
                "\(latency.valueAtPercentile(99.9))", "\(latency.max)", neverOK.contains(name) ? "true" : "false",
                errors.joined(separator: ";"),
            ]
        }
        return ([header] + rows).map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// `value` as one CSV field: quoted, with quotes doubled, when it holds a comma, quote or line break.
    static func field(_ value: String) -> String {
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
