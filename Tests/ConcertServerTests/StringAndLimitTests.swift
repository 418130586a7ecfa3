import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

/// Strings are read by their length and must be valid UTF-8 without NUL; metadata and
/// payloads have limits checked on the wire bytes before anything is decoded.
@Suite("Strings and request limits")
struct StringAndLimitTests {
    @Test("idempotency keys that differ after a NUL are refused, not merged into one key")
    func nulInIdempotencyKey() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let (caller, issued) = try await fan(server.port)
            for key in ["order-1\0A", "order-1\0B"] {
                var payload = RawProto()
                payload.varint(1, 1000)
                payload.string(2, key)
                let answer = try await send(server, method: PaymentService.chargeBalance, token: issued.token, payload: payload.bytes)
                #expect(answer.code == .invalidArgument)
                #expect(answer.reason == "INVALID_STRING")
                #expect(answer.message.contains("idempotency_key"))
            }
            #expect(try await caller.getBalance(GetBalanceRequest()).balance == 0)
        }
    }

    @Test("a user id, a token or a method path with text after a NUL, or not UTF-8, is INVALID_STRING", arguments: [
        "\0", "\u{FF}",
    ])
    func invalidStrings(poison: String) async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let bad = Array(UUID().uuidString.lowercased().utf8) + (poison == "\0" ? [0, 0x41] : [0xff])
            var issue = RawProto()
            issue.bytes(1, bad)
            let user = try await send(server, method: AuthService.issueToken, payload: issue.bytes)
            #expect(user.code == .invalidArgument)
            #expect(user.reason == "INVALID_STRING")

            let (_, issued) = try await fan(server.port)
            let token = Array(issued.token.utf8) + (poison == "\0" ? [0, 0x41] : [0xff])
            let status = try await sendRaw(
                server, RawProto.envelope(
                    id: 3, method: Array(QueueService.getQueueStatus.descriptor.path.utf8),
                    metadata: [(Array("queue-token".utf8), token)]))
            #expect(status.code == .invalidArgument)
            #expect(status.reason == "INVALID_STRING")

            let path = Array(SystemService.health.descriptor.path.utf8) + (poison == "\0" ? [0, 0x41] : [0xff])
            let health = try await sendRaw(server, RawProto.envelope(id: 4, method: path))
            #expect(health.id == 4)
            #expect(health.code == .invalidArgument)
            #expect(health.reason == "INVALID_STRING")
            try await expectServed(server)
        }
    }

    @Test("more metadata than allowed is RESOURCE_EXHAUSTED / METADATA_TOO_LARGE, and the connection stays usable")
    func metadataLimits() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let health = Array(SystemService.health.descriptor.path.utf8)
            let tooMany = Array(repeating: (Array("k".utf8), Array("v".utf8)), count: RequestLimits.maxMetadataEntries + 1)
            let longKey = [(Array(repeating: UInt8(ascii: "k"), count: RequestLimits.maxMetadataKeyBytes + 1), Array("v".utf8))]
            let longValue = [(Array("k".utf8), Array(repeating: UInt8(ascii: "v"), count: RequestLimits.maxMetadataValueBytes + 1))]
            let tooMuch = Array(
                repeating: (Array("k".utf8), Array(repeating: UInt8(ascii: "v"), count: RequestLimits.maxMetadataValueBytes)),
                count: RequestLimits.maxMetadataBytes / RequestLimits.maxMetadataValueBytes + 1)
            let answers = try await onThread {
                let connection = try RawConnection(port: server.port)
                var answers: [ResponseEnvelope] = []
                for (index, metadata) in [tooMany, longKey, longValue, tooMuch].enumerated() {
                    try connection.send(RawProto.frame(RawProto.envelope(id: UInt64(index + 1), method: health, metadata: metadata)))
                    answers.append(try connection.readResponse()!)
                }
                try connection.send(RawProto.frame(RawProto.envelope(id: 9, method: health, metadata: [(Array("k".utf8), Array("v".utf8))])))
                answers.append(try connection.readResponse()!)
                return answers
            }
            #expect(answers.prefix(4).map(\.code) == Array(repeating: .resourceExhausted, count: 4))
            #expect(answers.prefix(4).map(\.reason) == Array(repeating: "METADATA_TOO_LARGE", count: 4))
            #expect(answers.last?.id == 9)
            #expect(answers.last?.code == .ok)
        }
    }

    @Test("a payload of more fields than any request needs is RESOURCE_EXHAUSTED / REQUEST_TOO_COMPLEX")
    func tooManyFields() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            var payload = RawProto()
            for _ in 0..<300 { payload.varint(99, 1) }
            let answer = try await send(server, method: SystemService.health, payload: payload.bytes)
            #expect(answer.code == .resourceExhausted)
            #expect(answer.reason == "REQUEST_TOO_COMPLEX")
            var fine = RawProto()
            for _ in 0..<20 { fine.varint(99, 1) }
            #expect(try await send(server, method: SystemService.health, payload: fine.bytes).code == .ok)
        }
    }

    @Test("a retried ChargeBalance gets its first answer even after paying expired the token")
    func chargeReplayAfterTokenExpired() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let (caller, _) = try await fan(server.port)
            let (concertID, date) = try await firstDate(caller)
            let held = try #require(try await caller.reserveSeat(concertID: concertID, date: date, seatNumber: 21).reservation)
            let first = try await caller.chargeBalance(amount: held.price, idempotencyKey: "top-up-1")
            _ = try await caller.pay(reservationID: held.id)
            let retried = try await caller.chargeBalance(amount: held.price, idempotencyKey: "top-up-1")
            #expect(retried.chargeID == first.chargeID)
            #expect(retried.replayed)
            await expectFailure(.unauthenticated, .tokenExpired) {
                try await caller.chargeBalance(amount: held.price, idempotencyKey: "top-up-2")
            }
        }
    }

    @Test("GetReservation without an id lists the newest first")
    func reservationsNewestFirst() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let (caller, _) = try await fan(server.port)
            let (concertID, date) = try await firstDate(caller)
            var ids: [Int64] = []
            for seat in 30...32 {
                ids.append(try #require(try await caller.reserveSeat(concertID: concertID, date: date, seatNumber: UInt32(seat)).reservation).id)
            }
            let listed = try await caller.getReservation(reservationID: 0).reservations.map(\.id)
            #expect(listed == ids.reversed())
        }
    }

    private func send<Request, Response>(
        _ server: LiveServer, method: RPC<Request, Response>, token: String? = nil, payload: [UInt8]
    ) async throws -> ResponseEnvelope {
        let metadata = token.map { [(Array("queue-token".utf8), Array($0.utf8))] } ?? []
        return try await sendRaw(
            server, RawProto.envelope(id: 1, method: Array(method.descriptor.path.utf8), metadata: metadata, payload: payload))
    }

    private func sendRaw(_ server: LiveServer, _ envelope: [UInt8]) async throws -> ResponseEnvelope {
        let answer = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.send(RawProto.frame(envelope))
            return try connection.readResponse()
        }
        return try #require(answer)
    }

    private func expectServed(_ server: LiveServer) async throws {
        let answer = try await sendRaw(server, RawProto.envelope(id: 99, method: Array(SystemService.health.descriptor.path.utf8)))
        #expect(answer.code == .ok)
    }
}
