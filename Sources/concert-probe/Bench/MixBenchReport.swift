import Foundation

/// The mixed benchmark's results as a table or as JSON.
struct MixBenchReport {
    /// The results to show.
    let result: MixBench.Result

    private var seconds: Double { result.plan.duration.milliseconds / 1000 }

    /// The methods that were called, in protocol order.
    private var methods: [(name: String, stats: MethodStats)] {
        BenchOperation.allCases.map(BenchFan.method(of:)).compactMap { name in
            result.methods[name].map { (name, $0) }
        }
    }

    private var total: MethodStats {
        result.methods.values.reduce(into: MethodStats()) { $0.merge($1) }
    }

    /// The report as an aligned text table followed by the errors by status.
    var table: String {
        let plan = result.plan
        var lines = [
            "bench: \(plan.connections) connections × \(plan.inFlight) in flight, \(Self.seconds(plan.duration)) s "
                + "after \(Self.seconds(plan.warmup)) s warm-up, mix \(plan.mix)",
            "fans: \(result.fans) (\(result.activeFans) active at start), concert dates with free seats: \(result.targets)",
            "",
            Self.row(["method", "calls", "ok", "errors", "calls/s", "p50 µs", "p90 µs", "p99 µs", "p99.9 µs", "max µs"]),
        ]
        for (name, stats) in methods + [("total", total)] {
            let latency = stats.latency
            lines.append(
                Self.row([
                    name, "\(stats.calls)", "\(stats.ok)", "\(stats.errors)",
                    String(format: "%.1f", Double(stats.calls) / seconds),
                    "\(latency.valueAtPercentile(50))", "\(latency.valueAtPercentile(90))",
                    "\(latency.valueAtPercentile(99))", "\(latency.valueAtPercentile(99.9))", "\(latency.max)",
                ]))
        }
        let errors = methods.filter { $0.stats.errors > 0 }
        if !errors.isEmpty {
            lines.append("")
            lines.append("errors by status (reasons):")
            for (name, stats) in errors {
                let statuses = stats.errorsByStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                let reasons = stats.errorsByReason.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                lines.append(
                    "  \(name): \(statuses.joined(separator: ", ")) (\(reasons.joined(separator: ", ")))")
            }
        }
        let neverOK = methods.filter { $0.stats.calls > 0 && $0.stats.ok == 0 }.map(\.name)
        if !neverOK.isEmpty {
            lines.append("")
            lines.append("warning: no call of \(neverOK.joined(separator: ", ")) was answered OK; its figures measure errors only")
        }
        lines.append("")
        lines.append("the \(result.fans) fans left the line (LeaveQueue) when the run ended")
        return lines.joined(separator: "\n")
    }

    /// The report as a JSON document.
    var json: JSONValue {
        let plan = result.plan
        return .object([
            ("scenario", .string("mix")),
            ("connections", .int(plan.connections)),
            ("in_flight", .int(plan.inFlight)),
            ("duration_s", .double(plan.duration.milliseconds / 1000)),
            ("warmup_s", .double(plan.warmup.milliseconds / 1000)),
            ("mix", .object(plan.mix.weights.map { ($0.operation.rawValue, .int($0.weight)) })),
            ("fans", .int(result.fans)),
            ("fans_active_at_start", .int(result.activeFans)),
            ("targets", .int(result.targets)),
            ("total", Self.json(total, seconds: seconds)),
            ("methods", .object(methods.map { ($0.name, Self.json($0.stats, seconds: seconds)) })),
        ])
    }

    /// One method's statistics as JSON: calls, outcomes, throughput over `seconds` and latency percentiles.
    static func json(_ stats: MethodStats, seconds: Double) -> JSONValue {
        let latency = stats.latency
        return .object([
            ("calls", .int(stats.calls)),
            ("ok", .int(stats.ok)),
            ("errors", .int(stats.errors)),
            ("throughput_per_s", .double((Double(stats.calls) / seconds * 10).rounded() / 10)),
            (
                "latency_us",
                .object([
                    ("p50", .int(latency.valueAtPercentile(50))), ("p90", .int(latency.valueAtPercentile(90))),
                    ("p99", .int(latency.valueAtPercentile(99))), ("p99_9", .int(latency.valueAtPercentile(99.9))),
                    ("max", .int(latency.max)),
                ])
            ),
            ("errors_by_status", .object(stats.errorsByStatus.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("errors_by_reason", .object(stats.errorsByReason.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
        ])
    }

    private static func seconds(_ duration: Duration) -> String {
        String(format: "%g", duration.milliseconds / 1000)
    }

    private static func row(_ cells: [String]) -> String {
        let first = cells[0].padding(toLength: 20, withPad: " ", startingAt: 0)
        return first + cells.dropFirst().map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined()
    }
}
