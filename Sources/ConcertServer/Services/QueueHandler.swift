import ConcertDomain
import ConcertProtocol
import ConcertRPC
import ConcertStore

/// Serves `concert.v1.QueueService`: where a token stands in its sale's line, leaving it, and
/// a sale's line for anyone who asks, and watching one's place. The reads are answered on the event
/// loop (SQLite) or when the database answers (PostgreSQL); a watch sends the status at once and then as ``QueueWatchers`` finds it changed.
struct QueueHandler: QueueServiceHandler {
    let store: ConcertStore
    let clock: any ConcertClock
    let watchers: QueueWatchers

    func getQueueStatus(_ request: GetQueueStatusRequest, context: RequestContext) throws
        -> Reply<GetQueueStatusResponse>
    {
        Reply(store.reads.queueStatus(token: context.token)) { status in GetQueueStatusResponse(status: status.wire) }
    }

    func leaveQueue(_ request: LeaveQueueRequest, context: RequestContext) throws -> Reply<LeaveQueueResponse> {
        Reply(store.writes.leave(token: context.token)) { status in LeaveQueueResponse(status: status.wire) }
    }

    func getSaleLine(_ request: GetSaleLineRequest, context: RequestContext) throws -> Reply<GetSaleLineResponse> {
        let clock = self.clock
        return Reply(store.reads.saleLine(concertID: request.concertID)) { line in line.wire(now: clock.now()) }
    }

    func watchQueue(_ request: WatchQueueRequest, context: RequestContext, stream: ServerStream<WatchQueueResponse>) throws {
        try watchers.watch(token: context.token, stream: stream)
    }
}
