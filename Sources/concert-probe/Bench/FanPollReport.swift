import Foundation

/// The fans scenario's results as text or as JSON.
struct FanPollReport {
    /// The results to show.
    let result: FanPollBench.Result

    private var seconds: Double { result.elapsed.milliseconds / 1000 }

    /// Server CPU per recorded poll, in microseconds, when the server was sampled.
    private var serverMicrosecondsPerCall: Double? {
        guard let recording = result.serverRecording, result.polls.calls > 0 else { return nil }
        return (recording.end.cpuSeconds - recording.start.cpuSeconds) / Double(result.polls.calls) * 1e6
    }

    /// Server memory per connected fan, in bytes, when the server was sampled.
    private var serverBytesPerFan: Double? {
        guard let idle = result.serverIdle, let recording = result.serverRecording else { return nil }
        return Double(recording.end.residentBytes - idle.residentBytes) / Double(result.plan.fans)
    }

    /// The report as lines of text.
    var text: String {
        let plan = result.plan
        let polls = result.polls
        let latency = polls.latency
        var lines = [
            "fans: \(plan.fans) connections, one GetQueueStatus each every \(Self.format(plan.period.milliseconds / 1000)) s, "
                + "\(Self.format(plan.duration.milliseconds / 1000)) s after \(Self.format(plan.warmup.milliseconds / 1000)) s warm-up",
            "polls: \(polls.calls) (\(polls.errors) errors), \(Self.format(Double(polls.calls) / seconds)) per second",
            "latency µs: p50 \(latency.valueAtPercentile(50)), p90 \(latency.valueAtPercentile(90)), "
                + "p99 \(latency.valueAtPercentile(99)), p99.9 \(latency.valueAtPercentile(99.9)), max \(latency.max)",
        ]
        if let cpu = serverMicrosecondsPerCall, let recording = result.serverRecording, let idle = result.serverIdle {
            lines.append("server CPU per poll: \(Self.format(cpu)) µs")
            lines.append(
                "server memory: \(recording.end.residentBytes / 1_048_576) MiB with the fans, "
                    + "\(idle.residentBytes / 1_048_576) MiB before, about \(Int(serverBytesPerFan ?? 0)) bytes per fan")
        } else {
            lines.append("server CPU and memory: not sampled (pass --server-pid)")
        }
        return lines.joined(separator: "\n")
    }

    /// The report as a JSON document.
    var json: JSONValue {
        let plan = result.plan
        var fields: [(key: String, value: JSONValue)] = [
            ("scenario", .string("fans")),
            ("fans", .int(plan.fans)),
            ("period_s", .double(plan.period.milliseconds / 1000)),
            ("duration_s", .double(plan.duration.milliseconds / 1000)),
            ("warmup_s", .double(plan.warmup.milliseconds / 1000)),
            ("polls", MixBenchReport.json(result.polls, seconds: seconds)),
        ]
        if let cpu = serverMicrosecondsPerCall { fields.append(("server_cpu_us_per_call", .double((cpu * 10).rounded() / 10))) }
        if let bytes = serverBytesPerFan { fields.append(("server_bytes_per_fan", .int(Int(bytes)))) }
        return .object(fields)
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
