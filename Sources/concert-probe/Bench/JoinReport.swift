import Foundation

/// The join scenario's results as text or as JSON.
struct JoinReport {
    /// The results to show.
    let result: JoinBench.Result

    private var seconds: Double { result.elapsed.milliseconds / 1000 }

    /// Joins answered OK a second.
    private var joinsPerSecond: Double { Double(result.joins.ok) / seconds }

    /// Server CPU per join, in microseconds, when the server was sampled.
    private var serverMicrosecondsPerJoin: Double? {
        guard let server = result.server, result.joins.calls > 0 else { return nil }
        return (server.end.cpuSeconds - server.start.cpuSeconds) / Double(result.joins.calls) * 1e6
    }

    /// How many WAITING answers gave a position no other answer gave.
    private var distinctPositions: Int { Set(result.positions).count }

    /// The report as lines of text.
    var text: String {
        let plan = result.plan
        let joins = result.joins
        let latency = joins.latency
        var lines = [
            "join: \(plan.joins) new fans into the sale of concert \(plan.concertID), "
                + "\(result.connections) connections × \(plan.inFlight) in flight",
            "joins: \(joins.ok) OK (\(joins.errors) errors) in \(Self.format(seconds)) s, \(Self.format(joinsPerSecond)) per second",
            "latency µs: p50 \(latency.valueAtPercentile(50)), p90 \(latency.valueAtPercentile(90)), "
                + "p99 \(latency.valueAtPercentile(99)), max \(latency.max)",
            "answers: \(result.positions.count) WAITING with \(distinctPositions) distinct positions, \(result.admitted) ACTIVE",
        ]
        if let cpu = serverMicrosecondsPerJoin {
            lines.append("server CPU per join: \(Self.format(cpu)) µs")
        } else {
            lines.append("server CPU: not sampled (pass --server-pid)")
        }
        for (code, count, reasons) in joins.groupedErrors {
            lines.append("errors \(code): \(count) (" + reasons.map { "\($0.reason) \($0.count)" }.joined(separator: ", ") + ")")
        }
        return lines.joined(separator: "\n")
    }

    /// The report as a JSON document.
    var json: JSONValue {
        let plan = result.plan
        var fields: [(key: String, value: JSONValue)] = [
            ("scenario", .string("join")),
            ("joins", .int(plan.joins)),
            ("connections", .int(result.connections)),
            ("in_flight", .int(plan.inFlight)),
            ("elapsed_s", .double((seconds * 1000).rounded() / 1000)),
            ("joins_per_second", .double(joinsPerSecond.rounded())),
            ("calls", MixBenchReport.json(result.joins, seconds: seconds)),
            ("waiting", .int(result.positions.count)),
            ("distinct_positions", .int(distinctPositions)),
            ("active", .int(result.admitted)),
        ]
        if let cpu = serverMicrosecondsPerJoin { fields.append(("server_cpu_us_per_join", .double((cpu * 10).rounded() / 10))) }
        return .object(fields)
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
