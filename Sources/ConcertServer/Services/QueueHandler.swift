import ConcertDomain
import ConcertProtocol
import ConcertStore

/// Serves `concert.v1.QueueService`: where a token stands in line.
struct QueueHandler: QueueServiceHandler {
    let store: ConcertStore

    func getQueueStatus(_ request: GetQueueStatusRequest, context: RequestContext) async throws
        -> GetQueueStatusResponse
    {
        let status = try await store.queueStatus(token: try context.requiredToken())
        return GetQueueStatusResponse(status: status.wire)
    }
}
