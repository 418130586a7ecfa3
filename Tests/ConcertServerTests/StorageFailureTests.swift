import ConcertProtocol
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The server on storage that cannot take writes: a database it may not write is refused
/// at start-up; a disk that fills up while it runs is reported as retryable, not INTERNAL.
@Suite("Storage failures", .serialized)
struct StorageFailureTests {
    @Test("a database the server's user cannot write stops start-up with a clear message and exit code 73")
    func readOnlyDatabaseIsRefused() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("concert.db").path
        let first = try await ServerProcess(database: database)
        #expect(await first.stop() == 0)
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            chmod(folder.appendingPathComponent(file).path, 0o444)
        }
        chmod(folder.path, 0o555)
        defer { chmod(folder.path, 0o777) }
        do {
            let second = try await ServerProcess(database: database, unprivileged: true)
            Issue.record("the server started on a read-only database")
            await second.stop()
        } catch ServerProcessError.exited(let status, let log) {
            #expect(status == 73)
            #expect(log.contains("cannot open the database \(database) for writing"), "\(log)")
        }
    }

    @Test("a full disk answers writes UNAVAILABLE / STORAGE_FULL and Health NOT_SERVING, until space returns")
    func diskFull() async throws {
        try #require(geteuid() == 0, "mounting a small file system for the full disk needs root")
        let mountPoint = FileManager.default.temporaryDirectory.appendingPathComponent("concert-full-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        try #require(try runToEnd(URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=16m", "tmpfs", mountPoint.path]).status == 0)
        defer {
            _ = try? runToEnd(URL(fileURLWithPath: "/bin/umount"), ["-l", mountPoint.path])
            try? FileManager.default.removeItem(at: mountPoint)
        }
        let server = try await ServerProcess(
            database: mountPoint.appendingPathComponent("concert.db").path, arguments: ["--admission-interval-ms", "100"])
        let (caller, _) = try await fan(server.port)
        var charged: Int64 = 0
        _ = try await caller.chargeBalance(amount: 10, idempotencyKey: "before")
        charged += 10

        let filler = mountPoint.appendingPathComponent("filler")
        Self.fill(filler)
        var failure: RPCError?
        for attempt in 0..<2000 where failure == nil {
            do {
                _ = try await caller.chargeBalance(amount: 1, idempotencyKey: "full-\(attempt)")
                charged += 1
            } catch {
                failure = error
            }
        }
        let refused = try #require(failure)
        #expect(refused.code == .unavailable)
        #expect(refused.reason == "STORAGE_FULL")
        #expect(try await caller.health(HealthCheckRequest()).status == .notServing)
        #expect(try await caller.getBalance(GetBalanceRequest()).balance == charged)

        try FileManager.default.removeItem(at: filler)
        var serving = false
        for _ in 0..<200 where !serving {
            try await Task.sleep(for: .milliseconds(50))
            serving = try await caller.health(HealthCheckRequest()).status == .serving
        }
        #expect(serving, "Health did not report SERVING after space returned")
        _ = try await caller.chargeBalance(amount: 100, idempotencyKey: "after")
        charged += 100
        #expect(try await caller.getBalance(GetBalanceRequest()).balance == charged)
        #expect(server.log.contains("writes are failing"), "\(server.log)")
        #expect(await server.stop() == 0)
    }

    /// Writes zeros to `file` until the file system is full.
    private static func fill(_ file: URL) {
        let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var size = chunk.count
        while size > 0 {
            let written = chunk.withUnsafeBytes { write(fd, $0.baseAddress, size) }
            if written < 0 { size /= 2 }
        }
    }
}
