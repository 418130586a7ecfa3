/// One sale's line at one instant, as reported to anyone who asks.
public struct SaleLine: Sendable, Equatable {
    /// The sale.
    public var sale: Sale
    /// Tokens in line and not dropped, pre-queued ones included.
    public var waiting: Int64
    /// Tokens active now.
    public var active: Int64
    /// Places filled in the last minute.
    public var admittedLastMinute: Int64
    /// When the sale last admitted anyone (Unix ms), or nil.
    public var lastAdmissionAtMs: Int64?

    /// Creates a line report.
    public init(sale: Sale, waiting: Int64, active: Int64, admittedLastMinute: Int64, lastAdmissionAtMs: Int64?) {
        self.sale = sale
        self.waiting = waiting
        self.active = active
        self.admittedLastMinute = admittedLastMinute
        self.lastAdmissionAtMs = lastAdmissionAtMs
    }
}
