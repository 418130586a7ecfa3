import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertStore

/// Serves `concert.v1.PaymentService`: balance, top-ups and payment.
struct PaymentHandler: PaymentServiceHandler {
    let store: ConcertStore

    func getBalance(_ request: GetBalanceRequest, context: RequestContext) throws -> Reply<GetBalanceResponse> {
        Reply(store.reads.balance(token: context.token)) { balance in GetBalanceResponse(balance: balance) }
    }

    func chargeBalance(_ request: ChargeBalanceRequest, context: RequestContext) throws
        -> Reply<ChargeBalanceResponse>
    {
        let charge = store.writes.charge(
            token: context.token, amount: request.amount,
            idempotencyKey: request.idempotencyKey.isEmpty ? nil : request.idempotencyKey)
        return Reply(charge) { receipt in
            ChargeBalanceResponse(
                chargeID: receipt.chargeID, amount: receipt.amount, balance: receipt.balance, replayed: receipt.replayed)
        }
    }

    func pay(_ request: PayRequest, context: RequestContext) throws -> Reply<PayResponse> {
        Reply(store.writes.pay(token: context.token, reservationID: request.reservationID)) { receipt in
            PayResponse(
                payment: Payment(
                    id: receipt.paymentID, reservationID: receipt.reservation.id, amount: receipt.amount,
                    paidAtUnixMs: receipt.paidAtMs),
                reservation: receipt.reservation.wire,
                balance: receipt.balance)
        }
    }
}
