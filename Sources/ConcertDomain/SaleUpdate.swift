/// An operator's change to a running sale's settings: each setting given is changed, the others stay.
public struct SaleUpdate: Sendable, Equatable {
    /// The longest duration a setting may have: 30 days, in milliseconds.
    public static let maxDurationMs: Int64 = 30 * 86_400_000
    /// The latest instant a sale may open or close: the end of the year 9999 (Unix ms).
    public static let maxInstantMs: Int64 = 253_402_300_799_999

    /// N, 0 or more.
    public var maxActive: Int64?
    /// K; 0 removes the cap.
    public var admissionsPerInterval: Int64?
    /// The admission interval in milliseconds, 1 to ``maxDurationMs``.
    public var admissionIntervalMs: Int64?
    /// T in milliseconds, 1 to ``maxDurationMs``.
    public var activeLifetimeMs: Int64?
    /// The active idle limit in milliseconds, 1 to ``maxDurationMs``.
    public var activeIdleMs: Int64?
    /// The closing instant (Unix ms), after the opening and at most ``maxInstantMs``; 0 for never.
    public var closesAtMs: Int64?
    /// The opening instant (Unix ms), not in the past and at most ``maxInstantMs``; only before the sale has
    /// opened.
    public var opensAtMs: Int64?

    /// Creates an update; every setting left nil stays as it is.
    public init(
        maxActive: Int64? = nil, admissionsPerInterval: Int64? = nil, admissionIntervalMs: Int64? = nil,
        activeLifetimeMs: Int64? = nil, activeIdleMs: Int64? = nil, closesAtMs: Int64? = nil, opensAtMs: Int64? = nil
    ) {
        self.maxActive = maxActive
        self.admissionsPerInterval = admissionsPerInterval
        self.admissionIntervalMs = admissionIntervalMs
        self.activeLifetimeMs = activeLifetimeMs
        self.activeIdleMs = activeIdleMs
        self.closesAtMs = closesAtMs
        self.opensAtMs = opensAtMs
    }

    /// One setting's change, as text for the change log.
    public struct Change: Sendable, Equatable {
        /// The setting's name, as the protocol spells it (`max_active`, …).
        public var setting: String
        /// The value before.
        public var old: String
        /// The value after.
        public var new: String
    }

    /// `sale` with this update applied at `now`, and one ``Change`` per setting whose value changed.
    /// Throws INVALID_SALE_SETTING naming the first bad setting, or SALE_ALREADY_OPEN for an opening time
    /// given once the sale has opened; nothing is applied then.
    public func applied(to sale: Sale, now: Int64) throws -> (sale: Sale, changes: [Change]) {
        var result = sale
        var changes: [Change] = []
        func record(_ setting: String, _ old: String, _ new: String) {
            if old != new { changes.append(Change(setting: setting, old: old, new: new)) }
        }
        if let maxActive {
            guard (0...Int64(Int32.max)).contains(maxActive) else { throw Self.invalid("max_active must be 0 or more.") }
            record("max_active", "\(sale.policy.maxActive)", "\(maxActive)")
            result.policy.maxActive = Int(maxActive)
        }
        if let admissionsPerInterval {
            guard (0...Int64(Int32.max)).contains(admissionsPerInterval) else {
                throw Self.invalid("admissions_per_interval must be 0 (no cap) or more.")
            }
            let cap = admissionsPerInterval == 0 ? nil : Int(admissionsPerInterval)
            record("admissions_per_interval", Self.text(sale.policy.admissionsPerInterval), Self.text(cap))
            result.policy.admissionsPerInterval = cap
        }
        for (name, value, path) in [
            ("admission_interval_ms", admissionIntervalMs, \QueuePolicy.admissionIntervalMs),
            ("active_lifetime_ms", activeLifetimeMs, \QueuePolicy.activeLifetimeMs),
            ("active_idle_ms", activeIdleMs, \QueuePolicy.activeIdleMs),
        ] {
            guard let value else { continue }
            guard (1...Self.maxDurationMs).contains(value) else {
                throw Self.invalid("\(name) must be 1 to \(Self.maxDurationMs) (30 days).")
            }
            record(name, "\(sale.policy[keyPath: path])", "\(value)")
            result.policy[keyPath: path] = value
        }
        if let opensAtMs {
            guard sale.opensAtMs > now else {
                throw ConcertError(.saleAlreadyOpen, "The sale opened already; its opening time can no longer change.")
            }
            guard (now...Self.maxInstantMs).contains(opensAtMs) else {
                throw Self.invalid("opens_at_unix_ms must be now or later, and no later than the year 9999.")
            }
            record("opens_at_unix_ms", "\(sale.opensAtMs)", "\(opensAtMs)")
            result.opensAtMs = opensAtMs
        }
        if let closesAtMs {
            guard (0...Self.maxInstantMs).contains(closesAtMs) else {
                throw Self.invalid("closes_at_unix_ms must be 0 (never) or an instant no later than the year 9999.")
            }
            let closes = closesAtMs == 0 ? nil : closesAtMs
            record("closes_at_unix_ms", Self.text(sale.closesAtMs), Self.text(closes))
            result.closesAtMs = closes
        }
        if let closes = result.closesAtMs, closes <= result.opensAtMs {
            throw Self.invalid("closes_at_unix_ms must be after the opening time (\(result.opensAtMs)).")
        }
        return (result, changes)
    }

    /// A value as change-log text: the number, or "none".
    private static func text<Value: BinaryInteger>(_ value: Value?) -> String {
        value.map { "\($0)" } ?? "none"
    }

    private static func invalid(_ message: String) -> ConcertError {
        ConcertError(.invalidSaleSetting, message)
    }
}
