import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

/// No request, however strange its fields, reaches INTERNAL: every string and integer field
/// of every method gets Unicode edge cases, NUL, invalid UTF-8 and integer extremes. Every request carries
/// a fan's queue token and an operator's credential, so AdminService's methods are served too.
@Suite("Request properties")
struct RequestPropertyTests {
    /// Strings that have broken string handling somewhere before.
    static let strings: [[UInt8]] = [
        "", "a", "2027-05-20", "2027-02-30", "0000-00-00", "9999-12-31", "order-1\0A", "\u{0}",
        String(repeating: "e\u{301}", count: 100), String(repeating: "🇰🇷", count: 128), String(repeating: "k", count: 128),
        String(repeating: "k", count: 129), String(repeating: "가", count: 43), "\u{FEFF}x", "\u{202E}evil", "\u{10FFFF}",
        UUID().uuidString.lowercased(), UUID().uuidString, "00000000-0000-0000-0000-000000000000",
        String(repeating: "x", count: 5000),
    ].map { Array($0.utf8) } + [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x41, 0xe2, 0x82]]

    /// Integers at every edge a field might have (negative numbers as their 64-bit two's complement).
    static let integers: [UInt64] = [
        0, 1, 2, 3, 49, 50, 51, 127, 128, 99_000, 150_000, 100_000_000, 100_000_001, 1_000_000_000_000,
        UInt64(UInt32.max), UInt64(UInt32.max) + 1, UInt64(Int64.max), UInt64(bitPattern: -1), UInt64(bitPattern: Int64.min),
    ]

    @Test("every field of every method, set to every edge value over a valid request: none answered INTERNAL")
    func noInternalErrorsFieldByField() async throws {
        try await withLiveServer(
            backgroundJobs: false, queue: .init(maxActive: 10_000), adminSecret: Self.adminSecret
        ) { server in
            let (caller, issued) = try await fan(server.port)
            _ = try await caller.chargeBalance(amount: 10_000_000, idempotencyKey: "")
            let (concertID, date) = try await firstDate(caller)
            let held = try #require(try await caller.reserveSeat(concertID: concertID, date: date, seatNumber: 44).reservation)
            let baselines = Self.baselines(concertID: concertID, date: date, reservationID: held.id)
            var failures: [String] = []
            var id: UInt64 = 0
            for method in ProtocolServices.all.flatMap(\.methods) {
                let baseline = try #require(baselines[method.path], "no baseline for \(method.path)")
                for field in 1...4 {
                    var overrides: [RawProto] = Self.integers.map { value in
                        var raw = RawProto()
                        raw.varint(field, value)
                        return raw
                    }
                    overrides += Self.strings.map { value in
                        var raw = RawProto()
                        raw.bytes(field, value)
                        return raw
                    }
                    for override in overrides {
                        id += 1
                        // A field appended to an encoding overrides the earlier value of that field.
                        let envelope = RequestEnvelope(
                            id: id, method: method.path,
                            metadata: Self.metadata(token: issued.token),
                            payload: baseline + override.bytes)
                        let answer = await server.application.dispatcher.dispatch(envelope)
                        if answer.code == .internal { failures.append("\(method.path) \(override.bytes.prefix(40))") }
                    }
                }
            }
            #expect(failures.isEmpty, "\(failures.count) INTERNAL answers, e.g. \(failures.prefix(5))")
            let report = try await server.application.store.audit()
            #expect(report.isHealthy, "\(report.violations)")
        }
    }

    @Test("2,000 random requests over every method: none answered INTERNAL")
    func noInternalErrorsAtRandom() async throws {
        try await withLiveServer(
            backgroundJobs: false, queue: .init(maxActive: 10_000), adminSecret: Self.adminSecret
        ) { server in
            let (caller, issued) = try await fan(server.port)
            _ = try await caller.chargeBalance(amount: 10_000_000, idempotencyKey: "")
            let methods = ProtocolServices.all.flatMap(\.methods)
            var random = SplitMix64(seed: 20_261_201)
            var failures: [String] = []
            for id in 1...2000 {
                let method = methods[Int(random.next() % UInt64(methods.count))]
                var payload = RawProto()
                for _ in 0..<Int(random.next() % 4 + 1) {
                    let field = Int(random.next() % 4 + 1)
                    if random.next() % 2 == 0 {
                        payload.varint(field, Self.integers[Int(random.next() % UInt64(Self.integers.count))])
                    } else {
                        payload.bytes(field, Self.strings[Int(random.next() % UInt64(Self.strings.count))])
                    }
                }
                let envelope = RequestEnvelope(
                    id: UInt64(id), method: method.path,
                    metadata: Self.metadata(token: issued.token), payload: payload.bytes)
                let answer = await server.application.dispatcher.dispatch(envelope)
                if answer.code == .internal { failures.append("\(method.path) \(payload.bytes)") }
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            let report = try await server.application.store.audit()
            #expect(report.isHealthy, "\(report.violations)")
        }
    }

    /// The operator credential the test's server takes.
    private static let adminSecret = "the request property tests' operator secret"

    /// A fan's token and the operator's credential.
    private static func metadata(token: String) -> [MetadataEntry] {
        [
            MetadataEntry(key: MetadataKey.queueToken, value: token),
            MetadataEntry(key: MetadataKey.authorization, value: "Bearer \(adminSecret)"),
        ]
    }

    /// A valid request of every method, which the field-by-field test overrides one field at a time.
    private static func baselines(concertID: Int64, date: String, reservationID: Int64) -> [String: [UInt8]] {
        [
            SystemService.health.descriptor.path: HealthCheckRequest().serializedBytes(),
            SystemService.listServices.descriptor.path: ListServicesRequest().serializedBytes(),
            AuthService.issueToken.descriptor.path: IssueTokenRequest(userID: UUID().uuidString.lowercased(), concertID: 1).serializedBytes(),
            QueueService.getQueueStatus.descriptor.path: GetQueueStatusRequest().serializedBytes(),
            QueueService.leaveQueue.descriptor.path: LeaveQueueRequest().serializedBytes(),
            QueueService.watchQueue.descriptor.path: WatchQueueRequest().serializedBytes(),
            QueueService.getSaleLine.descriptor.path: GetSaleLineRequest(concertID: concertID).serializedBytes(),
            ReservationService.listConcerts.descriptor.path: ListConcertsRequest().serializedBytes(),
            ReservationService.listAvailableDates.descriptor.path:
                ListAvailableDatesRequest(concertID: concertID).serializedBytes(),
            ReservationService.listAvailableSeats.descriptor.path:
                ListAvailableSeatsRequest(concertID: concertID, date: date).serializedBytes(),
            ReservationService.reserveSeat.descriptor.path:
                ReserveSeatRequest(concertID: concertID, date: date, seatNumber: 45).serializedBytes(),
            ReservationService.getReservation.descriptor.path:
                GetReservationRequest(reservationID: reservationID).serializedBytes(),
            PaymentService.getBalance.descriptor.path: GetBalanceRequest().serializedBytes(),
            PaymentService.chargeBalance.descriptor.path:
                ChargeBalanceRequest(amount: 1000, idempotencyKey: "key").serializedBytes(),
            PaymentService.pay.descriptor.path: PayRequest(reservationID: reservationID).serializedBytes(),
            AdminService.getSaleStats.descriptor.path: GetSaleStatsRequest(concertID: concertID).serializedBytes(),
            AdminService.listSaleStats.descriptor.path: ListSaleStatsRequest().serializedBytes(),
            AdminService.updateSale.descriptor.path:
                UpdateSaleRequest(concertID: concertID, maxActive: SettingValue(value: 10_000)).serializedBytes(),
            AdminService.pauseAdmission.descriptor.path: PauseAdmissionRequest(concertID: concertID).serializedBytes(),
            AdminService.resumeAdmission.descriptor.path: ResumeAdmissionRequest(concertID: concertID).serializedBytes(),
            AdminService.closeSale.descriptor.path: CloseSaleRequest(concertID: 3).serializedBytes(),
            AdminService.revokeToken.descriptor.path:
                RevokeTokenRequest(userID: UUID().uuidString.lowercased(), concertID: concertID).serializedBytes(),
            AdminService.reloadCatalog.descriptor.path: ReloadCatalogRequest().serializedBytes(),
            AdminService.listSaleChanges.descriptor.path: ListSaleChangesRequest(concertID: concertID).serializedBytes(),
        ]
    }
}
