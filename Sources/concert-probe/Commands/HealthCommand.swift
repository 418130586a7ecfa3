import ArgumentParser
import ConcertProtocol
import Foundation

/// `concert-probe health`: whether the server is serving, its version and clock.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Check the server's health (SystemService.Health).",
        discussion: ProbeFailure.exitCodes)

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let stopwatch = Stopwatch()
        let health = try await connection.withClient { client throws(ProbeFailure) in
            try await answer { () throws(RPCError) in try await client.health(HealthCheckRequest()) }
        }
        let latency = stopwatch.elapsed
        let serverTime = Date(timeIntervalSince1970: Double(health.serverTimeUnixMs) / 1000)
        let skew = Double(health.serverTimeUnixMs) - Date().timeIntervalSince1970 * 1000
        Console.line("status:      \(health.status.name)")
        Console.line("version:     \(health.serverVersion)")
        Console.line("protocol:    \(health.protocol)")
        Console.line("server time: \(serverTime.formatted(.iso8601)) (skew \(String(format: "%+.0f", skew)) ms)")
        Console.line("latency:     \(latency.formattedMilliseconds) (including connect)")
        guard health.status == .serving else { throw ProbeFailure.checkFailed("the server is \(health.status.name)") }
    }
}
