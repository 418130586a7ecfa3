import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

/// `--metrics-port`: Prometheus text at /metrics whose counters follow the calls made; `--log-level debug`:
/// one access line per call, without the queue token.
@Suite("Metrics and access log")
struct MetricsTests {
    @Test("the counters move with the calls: by method and code, connections, the writer, each sale's line")
    func countersFollowCalls() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let metricsPort = try ServerProcess.freePort()
        let server = try await ServerProcess(
            database: folder.appendingPathComponent("concert.db").path,
            arguments: ["--metrics-port", String(metricsPort)], logLevel: "debug")
        let before = try await Scrape.take(port: metricsPort)

        let (buyer, _) = try await fan(server.port)
        let token = try #require(buyer.token)
        for _ in 0..<3 { _ = try await buyer.getQueueStatus(GetQueueStatusRequest()) }
        _ = try await buyer.reserveSeat(concertID: 1, date: "2027-03-14", seatNumber: 9)
        let (rival, _) = try await fan(server.port)
        await #expect(throws: RPCError.self) {
            try await rival.reserveSeat(concertID: 1, date: "2027-03-14", seatNumber: 9)
        }

        var after = try await Scrape.take(port: metricsPort)
        let status = #"concert_rpc_calls_total{method="/concert.v1.QueueService/GetQueueStatus",code="OK"}"#
        #expect(after[status, default: 0] - before[status, default: 0] == 3)
        let held = #"concert_rpc_calls_total{method="/concert.v1.ReservationService/ReserveSeat",code="OK"}"#
        #expect(after[held, default: 0] - before[held, default: 0] == 1)
        let taken = #"concert_rpc_calls_total{method="/concert.v1.ReservationService/ReserveSeat",code="ALREADY_EXISTS"}"#
        #expect(after[taken, default: 0] == 1)
        let latency = #"concert_rpc_call_duration_seconds_count{method="/concert.v1.QueueService/GetQueueStatus"}"#
        #expect(after[latency, default: 0] - before[latency, default: 0] == 3)
        #expect(after[#"concert_connections_total{outcome="accepted"}"#, default: 0] >= 2)
        #expect(after[#"concert_store_writes_total{outcome="committed"}"#, default: 0] >= 3)
        #expect(after["concert_store_batch_size_count", default: 0] >= 1)
        #expect(after["concert_store_commit_seconds_count", default: 0] >= 1)
        let body = try await Scrape.get("/metrics", port: metricsPort)
        let fastBucket = #"concert_rpc_call_duration_seconds_bucket{method="/concert.v1.QueueService/GetQueueStatus",le="0.0001"}"#
        #expect(body.contains(fastBucket), "latency buckets must resolve calls answered in microseconds")
        #expect(body.contains(#"concert_store_batch_size_bucket{le="1.0"}"#), "batch sizes counted from one")

        // The sale gauges are refreshed every 5 seconds.
        for _ in 0..<60 where after[#"concert_queue_active{concert="1"}"#, default: 0] < 2 {
            try await Task.sleep(for: .milliseconds(200))
            after = try await Scrape.take(port: metricsPort)
        }
        #expect(after[#"concert_queue_active{concert="1"}"#, default: 0] >= 2)
        #expect(after[#"concert_queue_waiting{concert="1"}"#] != nil)

        let watcher = try RawConnection(port: server.port)
        try watcher.sendFrame(WireCaller.envelope(QueueService.watchQueue, WatchQueueRequest(), token: token))
        _ = try await onThread { try watcher.readFrame() }
        watcher.shutdownWrite()
        let watch = #"concert_rpc_calls_total{method="/concert.v1.QueueService/WatchQueue",code="CANCELLED"}"#
        for _ in 0..<50 where after[watch] != 1 || after["concert_rpc_calls_in_flight"] != 0 {
            try await Task.sleep(for: .milliseconds(100))
            after = try await Scrape.take(port: metricsPort)
        }
        #expect(after[watch] == 1, "a watch the client left was not counted CANCELLED")
        #expect(after["concert_rpc_calls_in_flight"] == 0)

        let elsewhere = try await Scrape.get("/", port: metricsPort)
        #expect(elsewhere.hasPrefix("HTTP/1.1 404"))
        #expect(await server.stop() == 0)
        let accessLines = server.log.split(separator: "\n").filter { $0.contains("call") && $0.contains("method=") }
        #expect(accessLines.count >= 6, "\(server.log)")
        #expect(accessLines.contains { $0.contains("code=ALREADY_EXISTS") && $0.contains("reason=SEAT_ALREADY_HELD") })
        #expect(!server.log.contains(token), "the log holds a queue token")
    }

    @Test("a refused operator call is logged and counted by reason; the credential tried is not logged")
    func adminRefusalsCounted() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let secretFile = folder.appendingPathComponent("admin-secret")
        try Data("the operators' secret for metrics\n".utf8).write(to: secretFile)
        let metricsPort = try ServerProcess.freePort()
        let server = try await ServerProcess(
            database: folder.appendingPathComponent("concert.db").path,
            arguments: ["--metrics-port", String(metricsPort), "--admin-secret-file", secretFile.path])
        let guess = "Bearer a guessed secret of some length"
        for authorization in [guess, guess, "no bearer"] {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(
                RequestEnvelope(
                    id: 1, method: AdminService.pauseAdmission.descriptor.path,
                    metadata: [MetadataEntry(key: MetadataKey.authorization, value: authorization)],
                    payload: PauseAdmissionRequest(concertID: 1).serializedBytes()))
            #expect(try await onThread { try connection.readResponse() }?.code == .unauthenticated)
        }
        let accepted = try RawConnection(port: server.port)
        try accepted.sendFrame(
            RequestEnvelope(
                id: 1, method: AdminService.getSaleStats.descriptor.path,
                metadata: [MetadataEntry(key: MetadataKey.authorization, value: "Bearer the operators' secret for metrics")],
                payload: GetSaleStatsRequest(concertID: 1).serializedBytes()))
        #expect(try await onThread { try accepted.readResponse() }?.code == .ok, "the file's trailing newline is no part of the secret")
        let after = try await Scrape.take(port: metricsPort)
        #expect(after[#"concert_admin_refusals_total{reason="OPERATOR_CREDENTIAL_INVALID"}"#] == 2)
        #expect(after[#"concert_admin_refusals_total{reason="OPERATOR_CREDENTIAL_MISSING"}"#] == 1)
        #expect(await server.stop() == 0)
        #expect(server.log.components(separatedBy: "operator call refused").count - 1 == 3, "\(server.log)")
        #expect(!server.log.contains("guessed secret"))
    }
}

/// Reads the metrics endpoint over plain HTTP.
enum Scrape {
    /// The samples of `/metrics` (histogram buckets left out), by series: name and labels as printed.
    static func take(port: Int) async throws -> [String: Double] {
        let answer = try await get("/metrics", port: port)
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer.prefix(200))")
        var samples: [String: Double] = [:]
        let body = answer.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        for line in body.split(separator: "\n") where !line.hasPrefix("#") && !line.contains("_bucket{") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return samples
    }

    /// The whole HTTP answer to `GET path`.
    static func get(_ path: String, port: Int) async throws -> String {
        try await onThread {
            let connection = try RawConnection(port: port)
            try connection.send(Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".utf8))
            return String(decoding: try connection.readToEnd(), as: UTF8.self)
        }
    }
}
