/// One sale's settings and live figures, as operators watch them.
public struct SaleStats: Sendable, Equatable {
    /// The sale, its settings and whether admission is paused.
    public var sale: Sale
    /// Pre-queued tokens without a place yet.
    public var preQueued: Int64
    /// Tokens with a place in line, not admitted and not dropped.
    public var waiting: Int64
    /// Tokens active now.
    public var active: Int64
    /// Tokens admitted since the sale opened.
    public var admitted: Int64
    /// Tokens admitted in the last minute.
    public var admittedLastMinute: Int64
    /// Places dropped from the line (their fans left or went silent).
    public var dropped: Int64
    /// Fans who left with LeaveQueue, waiting or active.
    public var left: Int64
    /// Seats of the concert paid.
    public var paid: Int64
    /// How long the fan at the head of the line has waited since joining (ms), or nil when nobody waits.
    public var oldestWaitingMs: Int64?
    /// The estimated time until everyone in line now is admitted (ms), or nil when unknown (paused, or no
    /// recent admissions to measure a rate from while someone waits).
    public var timeToEmptyMs: Int64?
    /// The server processes that kept presence in the last minute, by id.
    public var servers: [String]
    /// When the figures were taken (Unix ms).
    public var atMs: Int64

    /// Creates figures from their parts.
    public init(
        sale: Sale, preQueued: Int64, waiting: Int64, active: Int64, admitted: Int64, admittedLastMinute: Int64,
        dropped: Int64, left: Int64, paid: Int64, oldestWaitingMs: Int64?, timeToEmptyMs: Int64?, servers: [String],
        atMs: Int64
    ) {
        self.sale = sale
        self.preQueued = preQueued
        self.waiting = waiting
        self.active = active
        self.admitted = admitted
        self.admittedLastMinute = admittedLastMinute
        self.dropped = dropped
        self.left = left
        self.paid = paid
        self.oldestWaitingMs = oldestWaitingMs
        self.timeToEmptyMs = timeToEmptyMs
        self.servers = servers
        self.atMs = atMs
    }
}
