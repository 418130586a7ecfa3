import ConcertDomain
import ConcertProtocol
import ConcertStore

/// Serves `concert.v1.QueueService`: where a token stands in its sale's line, leaving it, and
/// a sale's line for anyone who asks.
struct QueueHandler: QueueServiceHandler {
    let store: ConcertStore
    let clock: any ConcertClock

    func getQueueStatus(_ request: GetQueueStatusRequest, context: RequestContext) async throws
        -> GetQueueStatusResponse
    {
        let status = try await store.queueStatus(token: try context.requiredToken())
        return GetQueueStatusResponse(status: status.wire)
    }

    func leaveQueue(_ request: LeaveQueueRequest, context: RequestContext) async throws -> LeaveQueueResponse {
        let status = try await store.leave(token: try context.requiredToken())
        return LeaveQueueResponse(status: status.wire)
    }

    func getSaleLine(_ request: GetSaleLineRequest, context: RequestContext) async throws -> GetSaleLineResponse {
        try await store.saleLine(concertID: request.concertID).wire(now: clock.now())
    }
}
