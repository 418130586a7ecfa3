@testable import ConcertProtocol
import Testing

/// Every kind of field survives encoding through protobuf-c and decoding back.
@Suite("Message round trips")
struct MessageRoundTripTests {
    static let reservation = Reservation(
        id: 42, concertID: 7, date: "2027-03-01", seatNumber: 50, price: 150_000, state: .paid,
        heldAtUnixMs: 1_800_000_000_000, expiresAtUnixMs: 1_800_000_300_000, paidAtUnixMs: 1_800_000_100_000)

    static let samples: [any ProtoMessage] = [
        RequestEnvelope(
            id: .max, method: "/concert.v1.ReservationService/ReserveSeat",
            metadata: [MetadataEntry(key: "queue-token", value: "abc"), MetadataEntry(key: "k", value: "ü✓")],
            timeoutMs: 1500, payload: [0, 1, 2, 255]),
        ResponseEnvelope(id: 3, code: .failedPrecondition, message: "m", reason: "HOLD_EXPIRED", payload: []),
        ResponseEnvelope(id: 4, code: .unrecognized(99)),
        HealthCheckRequest(),
        HealthCheckResponse(status: .notServing, serverVersion: "1.0.0", protocol: "concert.v1", serverTimeUnixMs: -1),
        ListServicesRequest(),
        ListServicesResponse(services: [
            ServiceInfo(name: "s", methods: [MethodInfo(name: "M", path: "/s/M", requestType: "a", responseType: "b", requiresToken: true)])
        ]),
        IssueTokenRequest(userID: "8a0f3b5e-2f43-4f6e-9d43-3f6f5f0e8a11", concertID: 1),
        IssueTokenResponse(
            token: "t", status: QueueStatus(state: .waiting, position: 10, ahead: 9, estimatedWaitMs: 5000)),
        GetQueueStatusRequest(),
        GetQueueStatusResponse(status: QueueStatus(state: .active, expiresAtUnixMs: 99)),
        ListConcertsRequest(),
        ListConcertsResponse(concerts: [Concert(id: 1, title: "T", artist: "A", venue: "V"), Concert(id: 2)]),
        ListAvailableDatesRequest(concertID: 1),
        ListAvailableDatesResponse(dates: [ConcertDate(concertID: 1, date: "2027-01-01", startsAtUnixMs: 5, freeSeats: 50)]),
        ListAvailableSeatsRequest(concertID: 1, date: "2027-01-01"),
        ListAvailableSeatsResponse(seats: (1...50).map { Seat(number: UInt32($0), price: Int64($0) * 1000, free: $0 % 2 == 0) }),
        ReserveSeatRequest(concertID: .max, date: "2027-01-01", seatNumber: 51),
        ReserveSeatResponse(reservation: reservation),
        GetReservationRequest(reservationID: 42),
        GetReservationResponse(reservations: [reservation, reservation]),
        GetBalanceRequest(),
        GetBalanceResponse(balance: .max),
        ChargeBalanceRequest(amount: .min, idempotencyKey: "key-1"),
        ChargeBalanceResponse(chargeID: 1, amount: 2, balance: 3, replayed: true),
        PayRequest(reservationID: 42),
        PayResponse(payment: Payment(id: 1, reservationID: 42, amount: 150_000, paidAtUnixMs: 9), reservation: reservation, balance: 0),
    ]

    @Test("every message kind round-trips", arguments: 0..<samples.count)
    func roundTrip(index: Int) throws {
        #expect(try roundTrips(Self.samples[index]))
    }

    @Test("every message's zero value round-trips to empty bytes")
    func emptyMessages() throws {
        #expect(HealthCheckRequest().serializedBytes().isEmpty)
        #expect(ReserveSeatRequest().serializedBytes().isEmpty)
        #expect(try ReserveSeatRequest(serializedBytes: []) == ReserveSeatRequest())
        #expect(try RequestEnvelope(serializedBytes: []) == RequestEnvelope())
    }

    @Test("bytes that are not the message fail to decode with its name")
    func garbage() {
        #expect(throws: ProtoDecodingError(messageName: "concert.v1.ReserveSeatRequest")) {
            try ReserveSeatRequest(serializedBytes: [0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F])
        }
    }

    @Test("an unknown enum number decodes as unrecognized and re-encodes unchanged")
    func unknownEnum() throws {
        let decoded = try ResponseEnvelope(serializedBytes: [0x10, 0x63])
        #expect(decoded.code == .unrecognized(99))
        #expect(decoded.serializedBytes() == [0x10, 0x63])
    }

    @Test("the encoding is protobuf's: a hand-computed request envelope")
    func knownEncoding() {
        let envelope = RequestEnvelope(id: 1, method: "/a/b", timeoutMs: 300, payload: [7])
        #expect(envelope.serializedBytes() == [0x08, 0x01, 0x12, 0x04] + Array("/a/b".utf8) + [0x20, 0xAC, 0x02, 0x2A, 0x01, 0x07])
    }

    private func roundTrips<Message: ProtoMessage>(_ message: Message) throws -> Bool {
        try Message(serializedBytes: message.serializedBytes()) == message
    }
}
