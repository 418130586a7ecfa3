import ConcertProtocol
import ConcertTesting
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A storm of charges and payments pipelined over many connections; after a given number of
/// acknowledgements it SIGKILLs the server and reports exactly what was acknowledged.
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

    let port: Int
    let pid: Int32
    let chargers: [String]
    let payers: [(token: String, reservation: Int64)]

    /// Runs the storm (blocking): `rounds` charges per charger plus the payments, pipelined; kills the
    /// server once `killAfter` answers were acknowledged, then collects what else was answered before it died.
    func run(rounds: Int, killAfter: Int) throws -> (charges: [Charge], payments: [Payment]) {
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
        var charges: [Charge] = []
        var payments: [Payment] = []
        var killed = false
        for (connection, expected) in connections {
            for _ in 0..<expected {
                guard let answer = try? connection.readResponse() else { break }
                guard answer.code == .ok, let call = sent[answer.id] else { continue }
                if let key = call.key {
                    let receipt = try ChargeBalanceResponse(serializedBytes: answer.payload)
                    charges.append(Charge(token: call.token, key: key, amount: 100, chargeID: receipt.chargeID))
                } else if let reservation = call.reservation {
                    payments.append(Payment(token: call.token, reservation: reservation))
                }
                if !killed, charges.count + payments.count >= killAfter {
                    kill(pid, SIGKILL)
                    killed = true
                }
            }
        }
        return (charges, payments)
    }
}

extension Array {
    /// The element at `index`, if there is one.
    fileprivate func element(at index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
