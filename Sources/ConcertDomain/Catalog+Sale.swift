extension Catalog {
    /// The sale of a catalog concert. Every field is optional: what is left out comes from the
    /// server's defaults (its flags). Times are absolute (`opensAt`, `closesAt`, ISO-8601 with a
    /// time zone) or relative to when the catalog is loaded (`opensInSeconds`, `closesInSeconds`).
    public struct SaleEntry: Codable, Sendable, Equatable {
        /// When the sale opens; exclusive with `opensInSeconds`. Neither: open from loading.
        public var opensAt: String?
        /// Seconds after loading when the sale opens (negative: before).
        public var opensInSeconds: Int64?
        /// When the sale closes; exclusive with `closesInSeconds`. Neither: never.
        public var closesAt: String?
        /// Seconds after loading when the sale closes.
        public var closesInSeconds: Int64?
        /// N: the most tokens active at once.
        public var maxActive: Int?
        /// K: the most admissions per interval.
        public var admissionsPerInterval: Int?
        /// The interval for K, in milliseconds.
        public var admissionIntervalMs: Int64?
        /// T: how long an active token lasts, in seconds.
        public var activeSeconds: Int64?
        /// How long an active token may make no call, in seconds.
        public var activeIdleSeconds: Int64?
        /// How long before opening the pre-queue takes tokens, in seconds.
        public var preQueueSeconds: Int64?

        /// Creates a sale entry; every setting left nil comes from the server's defaults.
        public init(
            opensAt: String? = nil, opensInSeconds: Int64? = nil, closesAt: String? = nil,
            closesInSeconds: Int64? = nil, maxActive: Int? = nil, admissionsPerInterval: Int? = nil,
            admissionIntervalMs: Int64? = nil, activeSeconds: Int64? = nil, activeIdleSeconds: Int64? = nil,
            preQueueSeconds: Int64? = nil
        ) {
            self.opensAt = opensAt
            self.opensInSeconds = opensInSeconds
            self.closesAt = closesAt
            self.closesInSeconds = closesInSeconds
            self.maxActive = maxActive
            self.admissionsPerInterval = admissionsPerInterval
            self.admissionIntervalMs = admissionIntervalMs
            self.activeSeconds = activeSeconds
            self.activeIdleSeconds = activeIdleSeconds
            self.preQueueSeconds = preQueueSeconds
        }

        /// The sale of concert `concertID` when loaded at `now`, with `defaults` for what the entry leaves out.
        public func sale(concertID: Int64, now: Int64, defaults: QueuePolicy) -> Sale {
            let opens = opensAt.flatMap(ISO8601Instant.milliseconds) ?? opensInSeconds.map { now + $0 * 1000 } ?? now
            let closes = closesAt.flatMap(ISO8601Instant.milliseconds) ?? closesInSeconds.map { now + $0 * 1000 }
            let policy = QueuePolicy(
                maxActive: maxActive ?? defaults.maxActive,
                admissionsPerInterval: admissionsPerInterval ?? defaults.admissionsPerInterval,
                admissionIntervalMs: admissionIntervalMs ?? defaults.admissionIntervalMs,
                activeLifetimeMs: activeSeconds.map { $0 * 1000 } ?? defaults.activeLifetimeMs,
                activeIdleMs: activeIdleSeconds.map { $0 * 1000 } ?? defaults.activeIdleMs,
                preQueueWindowMs: preQueueSeconds.map { $0 * 1000 } ?? defaults.preQueueWindowMs)
            return Sale(concertID: concertID, opensAtMs: opens, closesAtMs: closes, policy: policy)
        }

        /// The furthest `opensInSeconds` or `closesInSeconds` may reach from loading: 100 years.
        static let maxOffsetSeconds: Int64 = 100 * 365 * 86_400

        /// Checks the entry; the first problem is returned as a message naming the field.
        func problem() -> String? {
            if opensAt != nil, opensInSeconds != nil { return "give opensAt or opensInSeconds, not both." }
            if closesAt != nil, closesInSeconds != nil { return "give closesAt or closesInSeconds, not both." }
            if let opensAt, ISO8601Instant.milliseconds(opensAt) == nil {
                return "opensAt \"\(opensAt)\" is not an ISO-8601 date-time with a time zone."
            }
            if let closesAt, ISO8601Instant.milliseconds(closesAt) == nil {
                return "closesAt \"\(closesAt)\" is not an ISO-8601 date-time with a time zone."
            }
            if let maxActive, !(0...Int(Int32.max)).contains(maxActive) { return "maxActive must be 0 or more." }
            if let admissionsPerInterval, !(1...Int(Int32.max)).contains(admissionsPerInterval) {
                return "admissionsPerInterval must be positive."
            }
            let maxDurationSeconds = SaleUpdate.maxDurationMs / 1000
            for (name, value, limit) in [
                ("admissionIntervalMs", admissionIntervalMs, SaleUpdate.maxDurationMs),
                ("activeSeconds", activeSeconds, maxDurationSeconds),
                ("activeIdleSeconds", activeIdleSeconds, maxDurationSeconds),
            ] {
                if let value, !(1...limit).contains(value) { return "\(name) must be positive and at most 30 days." }
            }
            if let preQueueSeconds, !(0...maxDurationSeconds).contains(preQueueSeconds) {
                return "preQueueSeconds must be 0 to 30 days."
            }
            for (name, value) in [("opensInSeconds", opensInSeconds), ("closesInSeconds", closesInSeconds)] {
                if let value, abs(value) > Self.maxOffsetSeconds { return "\(name) must be within 100 years of loading." }
            }
            return nil
        }
    }
}
