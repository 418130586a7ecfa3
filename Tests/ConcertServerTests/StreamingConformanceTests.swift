import ConcertDomain
import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

/// Server streams and cancel spoken in raw bytes over real loopback TCP.
@Suite("Streaming and cancel on the wire")
struct StreamingConformanceTests {
    private static let watch = QueueService.watchQueue.descriptor.path

    private func envelope(_ id: UInt64, _ path: String, token: String?, payload: [UInt8] = []) -> RequestEnvelope {
        RequestEnvelope(
            id: id, method: path, metadata: token.map { [MetadataEntry(key: MetadataKey.queueToken, value: $0)] } ?? [],
            payload: payload)
    }

    private func status(_ frame: ResponseEnvelope?) throws -> ConcertProtocol.QueueStatus? {
        guard let frame, frame.streamMessage else { return nil }
        return try WatchQueueResponse(serializedBytes: frame.payload).status
    }

    @Test("a watch streams WAITING, then ACTIVE when the fan ahead pays; a cancel ends it CANCELLED")
    func watchUntilAdmittedThenCancel() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 1)) { server in
            let (ahead, _) = try await fan(server.port)
            let (_, waiting) = try await fan(server.port)
            #expect(waiting.status?.state == .waiting)
            let connection = try RawConnection(port: server.port)
            try await onThread { try connection.sendFrame(self.envelope(5, Self.watch, token: waiting.token)) }
            let first = try await onThread { try connection.readResponse() }
            #expect(first?.id == 5)
            #expect(try status(first)?.state == .waiting)
            #expect(try status(first)?.position == 1)

            let (concertID, date) = try await firstDate(ahead)
            let held = try #require(try await ahead.reserveSeat(concertID: concertID, date: date, seatNumber: 3).reservation)
            _ = try await ahead.chargeBalance(amount: held.price, idempotencyKey: "")
            _ = try await ahead.pay(reservationID: held.id)

            var seen: [ConcertProtocol.QueueStatus] = []
            while seen.last?.state != .active {
                let frame = try await onThread { try connection.readResponse() }
                seen.append(try #require(try status(frame)))
            }
            #expect(seen.map(\.position) == seen.map(\.position).sorted(by: >), "positions never increase")
            #expect(server.application.watchingFans == 1)

            let cancel = RequestEnvelope(id: 5, cancel: true)
            try await onThread { try connection.sendFrame(cancel) }
            var end = try await onThread { try connection.readResponse() }
            while end?.streamMessage == true { end = try await onThread { try connection.readResponse() } }
            #expect(end?.id == 5)
            #expect(end?.code == .cancelled)
            #expect(end?.reason == "CANCELLED")
            #expect(server.application.watchingFans == 0)
        }
    }

    @Test("a watch of an expired token sends its status and ends OK at once")
    func watchOfExpiredToken() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let (buyer, _) = try await fan(server.port)
            let (concertID, date) = try await firstDate(buyer)
            let held = try #require(try await buyer.reserveSeat(concertID: concertID, date: date, seatNumber: 4).reservation)
            _ = try await buyer.chargeBalance(amount: held.price, idempotencyKey: "")
            _ = try await buyer.pay(reservationID: held.id)
            let frames = try await onThread {
                let connection = try RawConnection(port: server.port)
                try connection.sendFrame(self.envelope(9, Self.watch, token: buyer.token))
                return [try connection.readResponse(), try connection.readResponse()]
            }
            #expect(try status(frames[0])?.state == .expired)
            #expect(frames[1] == ResponseEnvelope(id: 9, code: .ok))
        }
    }

    @Test("a cancelled call still waiting to start never runs: its charge is not made")
    func cancelQueuedWrite() async throws {
        try await withLiveServer(backgroundJobs: false, maxInFlight: 1) { server in
            let (caller, issued) = try await fan(server.port)
            let charge = { @Sendable (id: UInt64, amount: Int64) in
                self.envelope(
                    id, PaymentService.chargeBalance.descriptor.path, token: issued.token,
                    payload: ChargeBalanceRequest(amount: amount, idempotencyKey: "").serializedBytes())
            }
            let cancel = RequestEnvelope(id: 2, cancel: true)
            let answers = try await onThread {
                let connection = try RawConnection(port: server.port)
                var frames = ByteBufferBox()
                frames.append(charge(1, 100))
                frames.append(charge(2, 10_000))
                frames.append(cancel)
                try connection.send(frames.bytes)
                return [try connection.readResponse(), try connection.readResponse()]
            }
            let byID = Dictionary(uniqueKeysWithValues: answers.compactMap { $0 }.map { ($0.id, $0) })
            #expect(byID[1]?.code == .ok)
            #expect(byID[2]?.code == .cancelled)
            #expect(try await caller.getBalance(GetBalanceRequest()).balance == 100)
        }
    }

    @Test("cancelling an unknown id is ignored; the connection keeps serving")
    func cancelUnknown() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let cancel = RequestEnvelope(id: 404, cancel: true)
            let answer = try await onThread {
                let connection = try RawConnection(port: server.port)
                var frames = ByteBufferBox()
                frames.append(cancel)
                frames.append(RequestEnvelope(id: 1, method: SystemService.health.descriptor.path))
                try connection.send(frames.bytes)
                return try connection.readResponse()
            }
            #expect(answer?.id == 1)
            #expect(answer?.code == .ok)
        }
    }

    @Test("a client that closes mid-stream frees its watch")
    func closeMidStream() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 0)) { server in
            let (_, waiting) = try await fan(server.port)
            let application = server.application
            let watchingWhileOpen = try await onThread {
                let connection = try RawConnection(port: server.port)
                try connection.sendFrame(self.envelope(3, Self.watch, token: waiting.token))
                _ = try connection.readResponse()
                return application.watchingFans
            }
            #expect(watchingWhileOpen == 1)
            for _ in 0..<1000 where server.application.watchingFans > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.application.watchingFans == 0)
        }
    }

    @Test("the method listing marks WatchQueue as streaming")
    func listing() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let methods = try await WireCaller(port: server.port).listServices().services.flatMap(\.methods)
            #expect(methods.filter(\.serverStreaming).map(\.name) == ["WatchQueue"])
        }
    }
}
