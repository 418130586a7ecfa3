import ConcertDomain
import ConcertProtocol
import ConcertStore

/// Serves `concert.v1.PaymentService`: balance, top-ups and payment.
struct PaymentHandler: PaymentServiceHandler {
    let store: ConcertStore

    func getBalance(_ request: GetBalanceRequest, context: RequestContext) async throws -> GetBalanceResponse {
        GetBalanceResponse(balance: try await store.balance(token: try context.requiredToken()))
    }

    func chargeBalance(_ request: ChargeBalanceRequest, context: RequestContext) async throws
        -> ChargeBalanceResponse
    {
        let receipt = try await store.charge(
            token: try context.requiredToken(), amount: request.amount,
            idempotencyKey: request.idempotencyKey.isEmpty ? nil : request.idempotencyKey)
        return ChargeBalanceResponse(
            chargeID: receipt.chargeID, amount: receipt.amount, balance: receipt.balance, replayed: receipt.replayed)
    }

    func pay(_ request: PayRequest, context: RequestContext) async throws -> PayResponse {
        let receipt = try await store.pay(token: try context.requiredToken(), reservationID: request.reservationID)
        return PayResponse(
            payment: Payment(
                id: receipt.paymentID, reservationID: receipt.reservation.id, amount: receipt.amount,
                paidAtUnixMs: receipt.paidAtMs),
            reservation: receipt.reservation.wire,
            balance: receipt.balance)
    }
}
