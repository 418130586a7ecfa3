import ConcertDomain
public import ConcertRPC
public import ConcertStore

/// Everything `concert-server` can be told: transport, storage, catalog and policies.
public struct ServerConfiguration: Sendable {
    /// Where to listen and the per-connection limits.
    public var transport: TransportConfiguration
    /// The database file and the queue and hold policies.
    public var store: StoreConfiguration
    /// A JSON catalog file to load at start-up (concerts, dates and prices), or nil.
    public var catalogPath: String?
    /// Whether to load the demo catalog into an empty database.
    public var seedDemoCatalog: Bool
    /// How often the admission job looks for free places to refill, in milliseconds.
    public var admissionIntervalMs: Int
    /// Whether user ids are trusted or proven with a site-signed JWT.
    public var userAuthentication: UserAuthentication
    /// The secret operators present to AdminService (`authorization: Bearer <secret>`), or nil. With neither
    /// this nor JWT keys in ``userAuthentication``, AdminService is off.
    public var adminSecret: [UInt8]?

    /// Creates a configuration; the admission job runs every 250 ms by default.
    public init(
        transport: TransportConfiguration = TransportConfiguration(),
        store: StoreConfiguration,
        catalogPath: String? = nil,
        seedDemoCatalog: Bool = true,
        admissionIntervalMs: Int = 250,
        userAuthentication: UserAuthentication = .trusted,
        adminSecret: [UInt8]? = nil
    ) {
        self.adminSecret = adminSecret
        self.transport = transport
        self.store = store
        self.catalogPath = catalogPath
        self.seedDemoCatalog = seedDemoCatalog
        self.admissionIntervalMs = admissionIntervalMs
        self.userAuthentication = userAuthentication
    }
}
