import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

/// `concert-server backup`: a consistent, self-contained copy while a server writes.
@Suite("Backup", .enabled(if: !TestDatabase.isPostgres))
struct BackupTests {
    @Test("a backup taken during a storm of charges is whole: its invariants hold and it has every charge acknowledged before it began")
    func backupDuringWriteStorm() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("concert.db").path
        let server = try await ServerProcess(database: database, arguments: ["--max-active", "1000"])
        let chargers = try await issueTokens(port: server.port, count: 16)
        let storm = Task {
            try await pipelineOverConnections(
                port: server.port, connections: 8, PaymentService.chargeBalance,
                (0..<4_000).map { (ChargeBalanceRequest(amount: 5, idempotencyKey: "storm-\($0)"), chargers[$0 % 16]) })
        }
        let early = try await pipelineOverConnections(
            port: server.port, connections: 2, PaymentService.chargeBalance,
            (0..<50).map { (ChargeBalanceRequest(amount: 7, idempotencyKey: "early-\($0)"), chargers[$0 % 16]) })
        #expect(early.allSatisfy { (try? $0.get()) != nil })

        let copy = folder.appendingPathComponent("backup.db").path
        let run = try await onThread {
            try runToEnd(try ServerProcess.binary(named: "concert-server"), ["backup", "--database", database, "--to", copy])
        }
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("quick_check ok"), "\(run.output)")
        _ = try await storm.value

        let report = try await audit(copy)
        #expect(report.isHealthy, "\(report.violations)")
        #expect(report.totalCharged >= 50 * 7, "charges acknowledged before the backup are missing from it")
        #expect(report.totalCharged <= 50 * 7 + 4_000 * 5)
        let again = try await onThread {
            try runToEnd(try ServerProcess.binary(named: "concert-server"), ["backup", "--database", database, "--to", copy])
        }
        #expect(again.status == 73, "a backup must not overwrite: \(again.output)")
        #expect(await server.stop() == 0)
    }
}
