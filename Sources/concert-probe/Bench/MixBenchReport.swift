import Foundation

/// The mixed benchmark's results as a table or as JSON (``MixBenchCSV`` and ``MixBenchHTML`` write the
/// other formats from the same figures).
struct MixBenchReport {
    /// The results to show.
    let result: MixBench.Result

    /// The recording's length in seconds, for throughput: the time from the end of the warm-up to the
    /// last answer.
    var seconds: Double { max(0.001, result.elapsed.milliseconds / 1000) }

    /// The methods that were called, in protocol order.
    var methods: [(name: String, stats: MethodStats)] {
        BenchOperation.allCases.map(BenchFan.method(of:)).compactMap { name in
            result.methods[name].map { (name, $0) }
        }
    }

    /// Every method's statistics added up.
    var total: MethodStats {
        result.methods.values.reduce(into: MethodStats()) { $0.merge($1) }
    }

    /// The methods called at least once whose calls all failed.
    var methodsNeverOK: [String] {
        methods.filter { $0.stats.calls > 0 && $0.stats.ok == 0 }.map(\.name)
    }

    /// The warning about ``methodsNeverOK``, or nil when every method had an OK call.
    var neverOKWarning: String? {
        let names = methodsNeverOK
        guard !names.isEmpty else { return nil }
        return "warning: no call of \(names.joined(separator: ", ")) was answered OK; its figures measure errors only"
    }

    /// One line describing the plan: its shape, pace, length and mix.
    var planSummary: String {
        let plan = result.plan
        let pace = plan.rate.map { "open loop at \(Self.number($0)) calls/s" } ?? "closed loop"
        var length: [String] = []
        if let requests = plan.requests { length.append("\(requests) calls") }
        if let duration = plan.duration { length.append("at most \(Self.number(duration.milliseconds / 1000)) s") }
        return "bench: \(plan.connections) connections × \(plan.inFlight) in flight, \(pace), "
            + "\(length.joined(separator: " or ")) after \(Self.number(plan.warmup.milliseconds / 1000)) s warm-up, "
            + "mix \(plan.mix); recorded \(Self.number(seconds)) s"
    }

    /// A method's failures as `CODE n (REASON n, …)` groups, each reason under the code it was answered with.
    static func errorGroups(_ stats: MethodStats) -> String {
        stats.groupedErrors.map { group in
            "\(group.code) \(group.count) (\(group.reasons.map { "\($0.reason) \($0.count)" }.joined(separator: ", ")))"
        }.joined(separator: ", ")
    }

    /// The report as an aligned text table followed by the errors by status.
    var table: String {
        var lines = [
            planSummary,
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
                lines.append("  \(name): \(Self.errorGroups(stats))")
            }
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
            ("duration_s", plan.duration.map { .double($0.milliseconds / 1000) } ?? .null),
            ("requests", plan.requests.map { .int($0) } ?? .null),
            ("rate_per_s", plan.rate.map(JSONValue.double) ?? .null),
            ("warmup_s", .double(plan.warmup.milliseconds / 1000)),
            ("elapsed_s", .double((seconds * 1000).rounded() / 1000)),
            ("mix", .object(plan.mix.weights.map { ($0.operation.rawValue, .int($0.weight)) })),
            ("fans", .int(result.fans)),
            ("fans_active_at_start", .int(result.activeFans)),
            ("targets", .int(result.targets)),
            ("methods_never_ok", .array(methodsNeverOK.map(JSONValue.string))),
            ("total", Self.json(total, seconds: seconds)),
            ("methods", .object(methods.map { ($0.name, Self.json($0.stats, seconds: seconds)) })),
            ("calls_per_second", .array(result.timeline.calls.map { .int($0) })),
            ("errors_per_second", .array(result.timeline.errors.map { .int($0) })),
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
            (
                "errors_by_code",
                .object(stats.groupedErrors.map { group in
                    (group.code, .object(group.reasons.map { ($0.reason, .int($0.count)) }))
                })
            ),
        ])
    }

    /// `value` with at most three decimals and no trailing zeros, e.g. `2`, `0.5`.
    static func number(_ value: Double) -> String {
        String(format: "%g", (value * 1000).rounded() / 1000)
    }

    /// One table row: the first cell left-aligned in 20 columns, the others right-aligned in 10.
    private static func row(_ cells: [String]) -> String {
        let first = cells[0].padding(toLength: 20, withPad: " ", startingAt: 0)
        return first + cells.dropFirst().map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined()
    }
}
