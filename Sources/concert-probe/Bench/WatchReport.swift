import Foundation

/// The watch scenario's results as text or as JSON.
struct WatchReport {
    /// The results to show.
    let result: WatchBench.Result

    private var pushesPerSecond: Double { Double(result.pushes) / max(0.001, result.driverSeconds + 2) }

    private var bytesPerWatcher: Double? {
        result.server.map { Double($0.watching.residentBytes - $0.idle.residentBytes) / Double(result.plan.watchers) }
    }

    private var serverCPUPerSecond: Double? {
        result.server.map { ($0.end.cpuSeconds - $0.watching.cpuSeconds) / max(0.001, result.driverSeconds + 2) }
    }

    /// The report as lines of text.
    var text: String {
        let plan = result.plan
        let delays = result.delays
        var lines = [
            "watch: \(plan.watchers) fans watching on their own connections (connected and issued in "
                + String(format: "%.1f s", result.connectSeconds) + "), admissions driven at \(Int(plan.rate)) a second",
            "admitted and saw ACTIVE: \(result.admitted); delay from admission to the pushed ACTIVE µs: "
                + "p50 \(delays.valueAtPercentile(50)), p99 \(delays.valueAtPercentile(99)), max \(delays.max)",
            "pushes: \(result.pushes) in " + String(format: "%.1f s", result.driverSeconds + 2)
                + String(format: " (%.0f a second)", pushesPerSecond),
        ]
        if let server = result.server, let bytes = bytesPerWatcher, let cpu = serverCPUPerSecond {
            lines.append(
                "server memory: \(server.watching.residentBytes / 1_048_576) MiB watching, "
                    + "\(server.idle.residentBytes / 1_048_576) MiB before, about \(Int(bytes)) bytes per watcher")
            lines.append("server CPU while admitting: " + String(format: "%.3f s a second", cpu))
        } else {
            lines.append("server CPU and memory: not sampled (pass --server-pid)")
        }
        return lines.joined(separator: "\n")
    }

    /// The report as a JSON document.
    var json: JSONValue {
        let delays = result.delays
        var fields: [(key: String, value: JSONValue)] = [
            ("scenario", .string("watch")),
            ("watchers", .int(result.plan.watchers)),
            ("rate_per_s", .double(result.plan.rate)),
            ("connect_s", .double((result.connectSeconds * 10).rounded() / 10)),
            ("admitted", .int(result.admitted)),
            (
                "active_delay_us",
                .object([
                    ("p50", .int(delays.valueAtPercentile(50))), ("p99", .int(delays.valueAtPercentile(99))),
                    ("max", .int(delays.max)),
                ])
            ),
            ("pushes", .int(result.pushes)),
            ("pushes_per_s", .double(pushesPerSecond.rounded())),
        ]
        if let bytes = bytesPerWatcher { fields.append(("server_bytes_per_watcher", .int(Int(bytes)))) }
        if let cpu = serverCPUPerSecond { fields.append(("server_cpu_s_per_s", .double((cpu * 1000).rounded() / 1000))) }
        return .object(fields)
    }
}
