import ArgumentParser
import ConcertProtocol
import Foundation

/// `concert-probe ping`: round-trip latency of health checks on one connection.
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping", abstract: "Measure round-trip latency with health checks, one at a time.",
        discussion: ProbeFailure.exitCodes)

    @OptionGroup var connection: ConnectionOptions

    @Option(help: "How many health checks to send.")
    var count = 10

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive.") }
    }

    func run() async throws {
        let count = self.count
        let latencies = try await connection.withClient { client throws(ProbeFailure) in
            var latencies: [Duration] = []
            for sequence in 1...count {
                let stopwatch = Stopwatch()
                _ = try await answer { () throws(RPCError) in try await client.health(HealthCheckRequest()) }
                let latency = stopwatch.elapsed
                latencies.append(latency)
                Console.line("reply \(sequence): \(latency.formattedMilliseconds)")
            }
            return latencies
        }.sorted()
        let average = latencies.reduce(Duration.zero, +) / latencies.count
        let median = latencies[(latencies.count - 1) / 2]
        Console.line(
            "\(latencies.count) pings: min \(latencies[0].formattedMilliseconds), avg \(average.formattedMilliseconds), "
                + "p50 \(median.formattedMilliseconds), max \(latencies[latencies.count - 1].formattedMilliseconds)")
    }
}
