import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What `deploy/` ships: the systemd unit, and the Grafana dashboard for the metrics.
@Suite("Deployment files")
struct DeploymentTests {
    /// The unit with its /usr/local/bin commands pointed at the built binaries.
    private static func unit() throws -> String {
        let built = try ServerProcess.binary(named: "concert-server").deletingLastPathComponent().path + "/"
        return try Repository.text("deploy/concert-server.service").replacingOccurrences(of: "/usr/local/bin/", with: built)
    }

    @Test(
        "the systemd unit passes systemd-analyze verify without a complaint",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/systemd-analyze")))
    func unitVerifies() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let unitFile = folder.appendingPathComponent("concert-server.service")
        try Self.unit().write(to: unitFile, atomically: true, encoding: .utf8)
        let run = try await onThread { try runToEnd(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), ["verify", unitFile.path]) }
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.isEmpty, "\(run.output)")
    }

    @Test("the unit's start command, configured by its environment alone, passes the unit's health check, serves every metric the dashboard charts, and stops gracefully")
    func unitCommandsAndDashboard() async throws {
        let unit = try Self.unit()
        var environment: [String: String] = [:]
        for line in unit.split(separator: "\n") where line.hasPrefix("Environment=") {
            let assignment = line.dropFirst("Environment=".count).split(separator: "=", maxSplits: 1)
            environment[String(assignment[0])] = String(assignment[1])
        }
        #expect(Set(environment.keys) == ["CONCERT_DATABASE", "CONCERT_HOST", "CONCERT_PORT", "CONCERT_METRICS_PORT"])
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (port, metricsPort) = (try ServerProcess.freePort(), try ServerProcess.freePort())
        environment["CONCERT_DATABASE"] = folder.appendingPathComponent("concert.db").path
        environment["CONCERT_PORT"] = String(port)
        environment["CONCERT_METRICS_PORT"] = String(metricsPort)
        let start = try #require(Self.command(unit, "ExecStart"))
        let server = try ChildProcess(
            start.split(separator: " ").map(String.init), environment: environment, output: nil,
            errors: folder.appendingPathComponent("server.log").path)
        let healthCheck = try #require(Self.command(unit, "ExecStartPost"))
        let serverEnvironment = environment
        let checked = try await onThread {
            try ChildProcess(
                ["/bin/sh", "-c", String(healthCheck.dropFirst("/bin/sh -c '".count).dropLast())],
                environment: serverEnvironment, output: nil, errors: "/dev/null"
            ).terminationStatus
        }
        #expect(checked == 0, "the unit's health check failed")

        let malformed = try RawConnection(port: port)
        try malformed.send([0, 0, 0, 2, 0xff, 0xff])
        _ = try? malformed.readFrame()
        let exported = try await Scrape.get("/metrics", port: metricsPort)
        let dashboard = try Repository.text("deploy/grafana-dashboard.json")
        let charted = Set(
            dashboard.matches(of: /concert_[a-z_]+/).map { match in
                String(match.output).replacing(/_(bucket|sum|count)$/, with: "")
            })
        #expect(charted.count >= 10)
        for metric in charted {
            #expect(exported.contains("# TYPE \(metric) "), "the dashboard charts \(metric), which /metrics lacks")
        }
        #expect(await server.stop(signal: SIGTERM) == 0)
    }

    /// The command of the unit's first `key=` line.
    private static func command(_ unit: String, _ key: String) -> String? {
        unit.split(separator: "\n").first { $0.hasPrefix(key + "=") }.map { String($0.dropFirst(key.count + 1)) }
    }
}
