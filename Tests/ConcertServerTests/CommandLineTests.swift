import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

/// The server's flags: a bad value is refused before anything starts, and a knob that changes how the
/// store commits keeps every answer the same.
@Suite("Command line")
struct CommandLineTests {
    @Test("a flag out of range exits 64 (usage) naming the flag, and touches no database", arguments: [
        ["--max-batch", "0"], ["--max-in-flight", "0"], ["--port", "70000"],
    ])
    func refusesOutOfRange(_ flag: [String]) async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("concert.db").path
        let run = try await onThread {
            try runToEnd(try ServerProcess.binary(named: "concert-server"), ["--database", database] + flag)
        }
        #expect(run.status == 64, "\(run.output)")
        #expect(run.output.contains(flag[0]), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: database))
    }

    @Test("--version prints the release; a CONCERT_* variable sets its flag, and the flag wins over it")
    func versionAndEnvironment() async throws {
        let binary = try ServerProcess.binary(named: "concert-server")
        let version = try await onThread { try runToEnd(binary, ["--version"]) }
        #expect(version.status == 0)
        #expect(version.output.trimmingCharacters(in: .whitespacesAndNewlines) == ConcertVersion.current)

        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServerProcess(
            database: folder.appendingPathComponent("concert.db").path, logLevel: "info",
            environment: ["CONCERT_MAX_ACTIVE": "7", "CONCERT_HOLD_SECONDS": "90", "CONCERT_LOG_LEVEL": "error"])
        #expect(await server.stop() == 0)
        #expect(server.log.contains("max-active=7"), "\(server.log)")
        #expect(server.log.contains("hold-seconds=90"), "\(server.log)")
        #expect(server.log.contains("log-level=info"), "the command line's --log-level must win: \(server.log)")
    }

    @Test("--log-format json writes one JSON object per line, with the settings at start-up")
    func jsonLogs() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServerProcess(
            database: folder.appendingPathComponent("concert.db").path, arguments: ["--log-format", "json"],
            logLevel: "info")
        #expect(await server.stop() == 0)
        let lines = server.log.split(separator: "\n")
        #expect(lines.count >= 3, "\(server.log)")
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["message"] is String && object?["level"] is String && object?["time"] is String, "\(line)")
        }
        #expect(lines.contains { $0.contains(#""message":"concert-server \#(ConcertVersion.current) starting""#) })
    }

    @Test("--max-batch 1 (one commit per write): 200 concurrent charges land exactly")
    func oneCommitPerWrite() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServerProcess(
            database: folder.appendingPathComponent("concert.db").path, arguments: ["--max-batch", "1"])
        let (fan, _) = try await fan(server.port)
        let token = try #require(fan.token)
        let answers = try await pipelineOverConnections(
            port: server.port, connections: 4, PaymentService.chargeBalance,
            (0..<200).map { (ChargeBalanceRequest(amount: 10, idempotencyKey: "batch-\($0)"), token) })
        #expect(try answers.allSatisfy { try !$0.get().replayed })
        #expect(try await fan.getBalance(GetBalanceRequest()).balance == 2_000)
        #expect(await server.stop() == 0)
    }
}
