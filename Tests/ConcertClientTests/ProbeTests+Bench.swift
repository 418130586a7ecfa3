import ConcertDomain
import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

/// `bench`'s call count, open-loop rate, output formats, error grouping and warnings.
extension ProbeTests {
    /// A JSON object from a probe's standard output.
    private static func jsonObject(_ run: ProbeRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
    }

    /// The recorded calls of a JSON report.
    private static func totalCalls(_ json: [String: Any]) -> Int? {
        (json["total"] as? [String: Any])?["calls"] as? Int
    }

    @Test("bench -n N records exactly N calls, and piped it writes no progress line")
    func benchCount() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 10_000)) { server in
            let run = try await Self.probe(
                ["bench", "-n", "37", "--connections", "2", "--in-flight", "4", "--warmup", "0.2", "--mix", "status=1",
                 "--format", "json"],
                port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            let json = try Self.jsonObject(run)
            #expect(Self.totalCalls(json) == 37)
            #expect(json["requests"] as? Int == 37)
            #expect(!run.stderr.contains("\r") && !run.stdout.contains("\r"))
        }
    }

    @Test("bench --scenario join has N new fans take N distinct places, and reports them")
    func benchJoin() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 0)) { server in
            let run = try await Self.probe(
                ["bench", "--scenario", "join", "--joins", "300", "--connections", "3", "--in-flight", "8", "--json"],
                port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            let json = try Self.jsonObject(run)
            #expect(json["scenario"] as? String == "join")
            #expect((json["calls"] as? [String: Any])?["ok"] as? Int == 300)
            #expect(json["waiting"] as? Int == 300)
            #expect(json["distinct_positions"] as? Int == 300)
            let line = try await WireCaller(port: server.port).getSaleLine(concertID: 1)
            #expect(line.waiting == 300)
        }
    }

    @Test("bench --rps R -n N sends N calls at about R a second (open loop)")
    func benchRate() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 10_000)) { server in
            let started = ContinuousClock.now
            let run = try await Self.probe(
                ["bench", "-n", "200", "--rps", "100", "--connections", "2", "--in-flight", "8", "--warmup", "0",
                 "--mix", "status=1", "--json"],
                port: server.port)
            let took = ContinuousClock.now - started
            #expect(run.exitCode == 0, "\(run.stderr)")
            let json = try Self.jsonObject(run)
            #expect(Self.totalCalls(json) == 200)
            #expect(json["rate_per_s"] as? Double == 100)
            #expect(took >= .milliseconds(1500), "200 calls at 100 a second take about 2 s, not \(took)")
            let elapsed = try #require(json["elapsed_s"] as? Double)
            #expect(elapsed >= 1.5, "the calls were spread over \(elapsed) s")
        }
    }

    @Test("bench --format csv writes a header and one well-formed row per method and the total")
    func benchCSV() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 10_000)) { server in
            let run = try await Self.probe(
                ["bench", "-n", "100", "--connections", "2", "--in-flight", "2", "--warmup", "0",
                 "--mix", "reserve=1,pay=1", "--format", "csv"],
                port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            let rows = run.stdout.split(separator: "\r\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            let header = try #require(rows.first)
            #expect(header.first == "method" && header.contains("p99_us") && header.contains("never_ok"))
            #expect(rows.count >= 4, "header, ReserveSeat, Pay (and the status polls it falls back to), total: \(run.stdout)")
            #expect(rows.allSatisfy { $0.count == header.count }, "\(run.stdout)")
            let total = try #require(rows.last)
            #expect(total[0] == "total" && total[1] == "100")
            let neverOK = try #require(header.firstIndex(of: "never_ok"))
            let errors = try #require(header.firstIndex(of: "errors_by_code"))
            let pay = try #require(rows.first { $0.first == "Pay" }, "nobody charged, so no Pay succeeds: \(run.stdout)")
            #expect(pay[neverOK] == "true")
            #expect(pay[errors].hasPrefix("\(ErrorReason.insufficientBalance.statusCode.name):INSUFFICIENT_BALANCE="), "\(run.stdout)")
            let reserve = try #require(rows.first { $0.first == "ReserveSeat" })
            #expect(reserve[neverOK] == "false")
        }
    }

    @Test("bench --format html writes one self-contained page with SVG charts")
    func benchHTML() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 10_000)) { server in
            let run = try await Self.probe(
                ["bench", "--duration", "1.5", "--connections", "2", "--in-flight", "2", "--warmup", "0",
                 "--mix", "status=1", "--format", "html"],
                port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            let page = run.stdout
            #expect(page.hasPrefix("<!DOCTYPE html>"))
            #expect(page.contains("</html>"))
            #expect(page.components(separatedBy: "<svg").count == 3, "a latency histogram and a throughput chart")
            #expect(page.contains("<rect"), "the charts have bars")
            #expect(!page.contains("http://") && !page.contains("https://"), "nothing is loaded from elsewhere")
            #expect(!page.contains("<script") && !page.contains("<link"))
            #expect(page.contains("<td>GetQueueStatus</td>"))
        }
    }

    @Test("bench groups each failure's reason under the status code it was answered with", arguments: ["table", "json"])
    func benchErrorsGroupedByCode(format: String) async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 10_000), hold: HoldPolicy(maxHoldsPerUser: 1)) { server in
            let run = try await Self.probe(
                ["bench", "-n", "400", "--connections", "2", "--in-flight", "4", "--warmup", "0",
                 "--mix", "reserve=3,pay=1,reservation=1", "--format", format],
                port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            var groups: [(code: String, count: Int, reasons: [String: Int])] = []
            if format == "json" {
                let methods = try #require(try Self.jsonObject(run)["methods"] as? [String: [String: Any]])
                for stats in methods.values {
                    for (code, reasons) in try #require(stats["errors_by_code"] as? [String: [String: Int]]) {
                        groups.append((code, reasons.values.reduce(0, +), reasons))
                    }
                }
            } else {
                groups = try Self.tableErrorGroups(run.stdout)
            }
            #expect(Set(groups.map(\.code)).count >= 2, "several codes occur: \(run.stdout)")
            for group in groups {
                #expect(group.reasons.values.reduce(0, +) == group.count, "\(group)")
                for reason in group.reasons.keys {
                    #expect(ErrorReason(name: reason)?.statusCode.name == group.code, "\(reason) under \(group.code)")
                }
            }
        }
    }

    /// The `CODE n (REASON n, …)` groups of the table's "errors by status" lines.
    private static func tableErrorGroups(_ table: String) throws -> [(code: String, count: Int, reasons: [String: Int])] {
        let lines = table.split(separator: "\n").drop { !$0.hasPrefix("errors by status") }.dropFirst()
            .prefix { $0.hasPrefix("  ") }
        #expect(!lines.isEmpty, "\(table)")
        let group = try Regex(#"([A-Z_]+) (\d+) \(([^)]*)\)"#)
        return lines.flatMap { line in
            line.matches(of: group).map { match in
                let reasons = match.output[3].substring.map(String.init) ?? ""
                let counted = reasons.split(separator: ", ").reduce(into: [String: Int]()) { counts, pair in
                    let parts = pair.split(separator: " ")
                    counts[String(parts[0])] = Int(parts[1]) ?? 0
                }
                return (String(match.output[1].substring ?? ""), Int(match.output[2].substring ?? "") ?? 0, counted)
            }
        }
    }

    @Test("bench warns on standard error and in methods_never_ok when a method had no OK call")
    func benchMethodsNeverOK() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 10_000)) { server in
            let run = try await Self.probe(
                ["bench", "-n", "200", "--connections", "1", "--in-flight", "4", "--warmup", "0",
                 "--mix", "reserve=1,pay=1", "--json"],
                port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            #expect(try Self.jsonObject(run)["methods_never_ok"] as? [String] == ["Pay"], "nobody charged: \(run.stdout)")
            #expect(run.stderr.contains("warning: no call of Pay was answered OK"), "\(run.stderr)")

            let healthy = try await Self.probe(
                ["bench", "-n", "20", "--connections", "1", "--in-flight", "2", "--warmup", "0", "--mix", "status=1",
                 "--json"],
                port: server.port)
            #expect(try Self.jsonObject(healthy)["methods_never_ok"] as? [String] == [])
            #expect(!healthy.stderr.contains("warning"))
        }
    }
}
