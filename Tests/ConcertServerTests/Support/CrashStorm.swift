import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A storm of charges and payments pipelined over many connections; after a given number of
/// acknowledgements it interrupts the server (SIGKILL, or a restart of its database) and reports
/// exactly what was acknowledged and how many calls were refused as UNAVAILABLE.
struct CrashStorm: Sendable {
    /// A charge the server answered OK.
    struct Charge: Sendable {
        let token: String
        let key: String
        let amount: Int64
        let chargeID: Int64
    }

    /// A payment the server answered OK.
    struct Payment: Sendable {
        let token: String
        let reservation: Int64
    }

    /// What the storm found: the acknowledged changes, and the calls answered UNAVAILABLE.
    struct Outcome: Sendable {
        /// The charges answered OK.
        var charges: [Charge] = []
        /// The payments answered OK.
        var payments: [Payment] = []
        /// The calls answered UNAVAILABLE.
        var unavailable = 0
    }

    let port: Int
    /// Interrupts the server once `killAfter` answers were acknowledged.
    let interrupt: @Sendable () -> Void
    let chargers: [String]
    let payers: [(token: String, reservation: Int64)]

    /// A storm that SIGKILLs the server process `pid`.
    init(port: Int, pid: Int32, chargers: [String], payers: [(token: String, reservation: Int64)]) {
        self.init(port: port, chargers: chargers, payers: payers) { kill(pid, SIGKILL) }
    }

    /// A storm that runs `interrupt` at the threshold.
    init(
        port: Int, chargers: [String], payers: [(token: String, reservation: Int64)],
        interrupt: @escaping @Sendable () -> Void
    ) {
        self.port = port
        self.chargers = chargers
        self.payers = payers
        self.interrupt = interrupt
    }

    /// Runs the storm (blocking): `rounds` charges per charger plus the payments, pipelined; interrupts
    /// the server once `killAfter` answers were acknowledged, then collects what else was answered.
    func run(rounds: Int, killAfter: Int) throws -> Outcome {
        var sent: [UInt64: (token: String, key: String?, reservation: Int64?)] = [:]
        var connections: [(connection: RawConnection, expected: Int)] = []
        var nextID: UInt64 = 1
        for (index, token) in chargers.enumerated() {
            let connection = try RawConnection(port: port, receiveTimeout: 30)
            var frames = ByteBufferBox()
            let firstID = nextID
            for round in 0..<rounds {
                let key = "crash-\(index)-\(round)"
                frames.append(WireCaller.envelope(
                    PaymentService.chargeBalance, ChargeBalanceRequest(amount: 100, idempotencyKey: key), token: token, id: nextID))
                sent[nextID] = (token, key, nil)
                nextID += 1
                if round % 50 == 0, let payer = payers.element(at: index * 2 + round / 50) {
                    frames.append(WireCaller.envelope(
                        PaymentService.pay, PayRequest(reservationID: payer.reservation), token: payer.token, id: nextID))
                    sent[nextID] = (payer.token, nil, payer.reservation)
                    nextID += 1
                }
            }
            try connection.send(frames.bytes)
            connections.append((connection, Int(nextID - firstID)))
        }
        var outcome = Outcome()
        var interrupted = false
        for (connection, expected) in connections {
            for _ in 0..<expected {
                guard let answer = try? connection.readResponse() else { break }
                if answer.code == .unavailable { outcome.unavailable += 1 }
                guard answer.code == .ok, let call = sent[answer.id] else { continue }
                if let key = call.key {
                    let receipt = try ChargeBalanceResponse(serializedBytes: answer.payload)
                    outcome.charges.append(Charge(token: call.token, key: key, amount: 100, chargeID: receipt.chargeID))
                } else if let reservation = call.reservation {
                    outcome.payments.append(Payment(token: call.token, reservation: reservation))
                }
                if !interrupted, outcome.charges.count + outcome.payments.count >= killAfter {
                    interrupt()
                    interrupted = true
                }
            }
        }
        return outcome
    }
}

extension CrashStorm {
    /// Who storms the server at `port`: 40 payers, each holding a seat of concert 1 with its price in
    /// their balance, and 20 chargers' tokens.
    static func participants(port: Int) async throws
        -> (chargers: [String], payers: [(token: String, reservation: Int64)])
    {
        var payers: [(token: String, reservation: Int64)] = []
        for seat in 1...40 {
            let (fan, _) = try await fan(port)
            let held = try #require(
                try await fan.reserveSeat(concertID: 1, date: "2027-03-14", seatNumber: UInt32(seat)).reservation)
            _ = try await fan.chargeBalance(amount: held.price, idempotencyKey: "")
            payers.append((try #require(fan.token), held.id))
        }
        return (try await issueTokens(port: port, count: 20), payers)
    }

    /// Expects that the server at `port` kept everything `outcome` saw acknowledged: every charge replays
    /// with its charge id, every paid reservation reads paid.
    static func expectNothingLost(_ outcome: Outcome, port: Int) async throws {
        let replays = try await pipelineOverConnections(
            port: port, connections: 8, PaymentService.chargeBalance,
            outcome.charges.map { (ChargeBalanceRequest(amount: $0.amount, idempotencyKey: $0.key), $0.token) })
        for (charge, replay) in zip(outcome.charges, replays) {
            let receipt = try replay.get()
            #expect(receipt.replayed, "acknowledged charge \(charge.key) was lost")
            #expect(receipt.chargeID == charge.chargeID)
        }
        for payment in outcome.payments {
            let reservation = try await WireCaller(port: port, token: payment.token)
                .getReservation(reservationID: payment.reservation).reservations.first
            #expect(reservation?.state == .paid, "acknowledged payment of \(payment.reservation) was lost")
        }
    }
}

extension Array {
    /// The element at `index`, if there is one.
    fileprivate func element(at index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
