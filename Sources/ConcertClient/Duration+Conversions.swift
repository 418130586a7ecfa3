import NIOCore

extension Duration {
    /// The duration in whole milliseconds, rounded up, at least 1 and at most `UInt32.max`:
    /// the envelope's `timeout_ms`, where 0 would mean "no deadline".
    var envelopeMilliseconds: UInt32 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 1 }
        let millis = Double(seconds) * 1_000 + (Double(attoseconds) / 1e15).rounded(.up)
        return UInt32(Swift.min(Swift.max(millis, 1), Double(UInt32.max)))
    }

    /// The duration as a NIO time amount, in nanoseconds, never negative.
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return .nanoseconds(0) }
        let capped = Swift.min(seconds, Int64.max / 1_000_000_000 - 1)
        return .nanoseconds(capped * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
