import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The server under attack on its resources: memory, descriptors, and a shutdown that
/// a client who never reads must not be able to hold up.
@Suite("Resource exhaustion", .serialized)
struct ResourceExhaustionTests {
    @Test("4 MiB frames of tiny metadata entries and 4 MiB payloads, 64 deep on four connections, keep memory bounded")
    func memoryAmplificationIsBounded() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServerProcess(
            database: folder.appendingPathComponent("concert.db").path,
            arguments: ["--max-pending-bytes", String(64 << 20)])
        let (caller, issued) = try await fan(server.port)
        let health = Array(SystemService.health.descriptor.path.utf8)
        let charge = Array(PaymentService.chargeBalance.descriptor.path.utf8)
        let token = (Array(MetadataKey.queueToken.utf8), Array(issued.token.utf8))

        var bomb = RawProto()
        bomb.varint(1, 1)
        bomb.bytes(2, health)
        while bomb.bytes.count < (4 << 20) - 64 { bomb.bytes(3, [0x0a, 0x00]) }
        var payload = RawProto()
        payload.varint(1, 1)
        payload.bytes(15, Array(repeating: 0x61, count: (4 << 20) - 1024))
        let heavy = RawProto.envelope(id: 1, method: charge, metadata: [token], payload: payload.bytes)

        async let bombs1 = flood(port: server.port, frame: RawProto.frame(bomb.bytes), count: 64)
        async let bombs2 = flood(port: server.port, frame: RawProto.frame(bomb.bytes), count: 64)
        async let heavy1 = flood(port: server.port, frame: RawProto.frame(heavy), count: 64)
        async let heavy2 = flood(port: server.port, frame: RawProto.frame(heavy), count: 64)
        let bombAnswers = try await bombs1 + bombs2
        let heavyAnswers = try await heavy1 + heavy2

        #expect(bombAnswers.allSatisfy { $0.reason == "METADATA_TOO_LARGE" }, "\(Set(bombAnswers.map(\.reason)))")
        let charged = heavyAnswers.filter { $0.code == .ok }.count
        #expect(heavyAnswers.allSatisfy { $0.code == .ok || $0.reason == "SERVER_OVERLOADED" })
        #expect(try await caller.getBalance(GetBalanceRequest()).balance == Int64(charged))
        let peak = try #require(Self.peakResidentBytes(pid: server.pid))
        // Documented bound: about 150 MB plus --max-pending-bytes (64 MiB here).
        #expect(peak < 150_000_000 + (64 << 20), "peak RSS \(peak / 1_000_000) MB")
        #expect(await server.stop() == 0)
    }

    @Test("SIGTERM with a client that pipelines and never reads exits 0 after the grace, everything committed")
    func shutdownWithAClientThatNeverReads() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("concert.db").path
        let server = try await ServerProcess(database: database, arguments: ["--shutdown-grace-seconds", "2"])
        let (caller, _) = try await fan(server.port)
        _ = try await caller.chargeBalance(amount: 5000, idempotencyKey: "before-shutdown")
        let listServices = RequestEnvelope(id: 1, method: SystemService.listServices.descriptor.path)
        var frames = ByteBufferBox()
        for _ in 0..<2000 { frames.append(listServices) }
        let bytes = frames.bytes
        let stuck = try RawConnection(port: server.port)
        // Thirty thousand answers of about 1.5 KiB fill both socket buffers; then the server stops reading.
        let sender = Task.detached { for _ in 0..<15 { try? stuck.send(bytes) } }
        try await Task.sleep(for: .seconds(1))
        #expect(await server.stop() == 0, "\(server.log)")
        sender.cancel()
        stuck.shutdownWrite()
        let report = try await audit(database)
        #expect(report.isHealthy, "\(report.violations)")
        #expect(report.totalBalances == 5000)
    }

    @Test("under an open-file limit of 256, twice the connections it allows: served up to the cap, refused beyond it with a reason, never spinning or crashing")
    func descriptorLimit() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServerProcess(
            database: folder.appendingPathComponent("concert.db").path, fileLimit: 256)
        let cap = 256 - 64
        let attempts = try await onThread {
            (0..<(2 * cap)).map { _ in Result { try RawConnection(port: server.port, receiveTimeout: 10) } }
        }
        let opened = attempts.compactMap { try? $0.get() }
        #expect(opened.count == 2 * cap)
        let outcomes = try await onThread { () -> [ResponseEnvelope?] in
            opened.enumerated().map { index, connection in
                let user = UUID().uuidString.lowercased()
                try? connection.sendFrame(
                    WireCaller.envelope(AuthService.issueToken, IssueTokenRequest(userID: user, concertID: 1), token: nil, id: UInt64(index + 1)))
                return try? connection.readResponse()
            }
        }
        let served = outcomes.filter { $0?.code == .ok }.count
        let refused = outcomes.filter { $0?.reason == "TOO_MANY_CONNECTIONS" }.count
        #expect((cap - 2...cap).contains(served), "served \(served)")
        #expect(served + refused == 2 * cap, "\(Set(outcomes.map { $0?.reason ?? "no answer" }))")
        #expect(!outcomes.contains { $0?.code == .internal })

        let cpuBefore = try #require(Self.cpuSeconds(pid: server.pid))
        for round in 0..<3 {
            let polls = try await onThread { () -> [ResponseEnvelope?] in
                opened.enumerated().compactMap { index, connection in
                    guard outcomes[index]?.code == .ok else { return nil }
                    try? connection.sendFrame(RequestEnvelope(id: UInt64(round + 10), method: SystemService.health.descriptor.path))
                    return try? connection.readResponse()
                }
            }
            #expect(polls.allSatisfy { $0?.code == .ok })
            try await Task.sleep(for: .seconds(1))
        }
        let cpuUsed = try #require(Self.cpuSeconds(pid: server.pid)) - cpuBefore
        #expect(cpuUsed < 1.5, "the server used \(cpuUsed) s of CPU in 3 s of light polling")

        let freed = opened.indices.filter { outcomes[$0]?.code == .ok }.prefix(10)
        for index in freed { opened[index].shutdownWrite() }
        var admitted = false
        for _ in 0..<100 where !admitted {
            try await Task.sleep(for: .milliseconds(50))
            admitted = (try? await onThread {
                let connection = try RawConnection(port: server.port, receiveTimeout: 5)
                try connection.sendFrame(RequestEnvelope(id: 77, method: SystemService.health.descriptor.path))
                return try connection.readResponse()?.code == .ok
            }) == true
        }
        #expect(admitted, "no new connection was served after ten closed")
        #expect(server.isRunning)
        #expect(server.log.contains("refusing connections"), "\(server.log)")
        #expect(await server.stop() == 0)
    }

    /// Sends `count` copies of `frame` on one connection while reading their answers.
    private func flood(port: Int, frame: [UInt8], count: Int) async throws -> [ResponseEnvelope] {
        let connection = try RawConnection(port: port, receiveTimeout: 60)
        let sender = Task.detached {
            try await onThread { for _ in 0..<count { try connection.send(frame) } }
        }
        let answers = try await onThread {
            try (0..<count).map { _ in try connection.readResponse() }.compactMap { $0 }
        }
        try await sender.value
        return answers
    }

    /// The process's peak resident set size (VmHWM), in bytes.
    static func peakResidentBytes(pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true)[1])
        else { return nil }
        return kilobytes * 1024
    }

    /// The CPU time (user and system) the process has used, in seconds.
    static func cpuSeconds(pid: Int32) -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
