import ArgumentParser
import Foundation
import ConcertDomain
import ConcertRPC
import ConcertServer
import ConcertStore
import ConcertStorePostgres
import ConcertProtocol
import Logging
import ServiceLifecycle

/// `concert-server serve` (the default subcommand): serves the concert-ticketing protocol over TCP.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serves the concert-ticketing protocol (concert.v1) over TCP on an embedded SQLite database "
            + "or a PostgreSQL database.")

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The TCP port to listen on; 0 picks a free one.")
    var port = TransportConfiguration.defaultPort

    @Option(
        help: ArgumentHelp(
            "The SQLite database file (created with its schema when missing), or a PostgreSQL URL "
                + "postgres://user[:password]@host[:port]/database (migrated at start). "
                + "Default: $CONCERT_DATABASE_URL, else concert.db.",
            valueName: "file-or-url"))
    var database: String?

    @Option(help: "A JSON catalog of concerts, dates and prices to load at start-up (see README).")
    var catalog: String?

    @Flag(inversion: .prefixedNo, help: "Load the demo catalog into an empty database.")
    var demoCatalog = true

    @Option(help: "N: the most tokens active at once per sale; 0 pauses admission (sales' default).")
    var maxActive = 100

    @Option(help: "K: the most admissions per admission interval per sale; 0 means no limit (sales' default).")
    var admissionsPerInterval = 0

    @Option(help: "The admission interval for --admissions-per-interval, in milliseconds.")
    var admissionIntervalMs: Int64 = 1000

    @Option(help: "T: how long an active token lasts at most, in seconds (sales' default).")
    var activeSeconds: Int64 = 600

    @Option(help: "H: how long a seat hold lasts unpaid, in seconds.")
    var holdSeconds: Int64 = 300

    @Option(help: "How long an active token may make no call before it expires early, in seconds (sales' default).")
    var activeIdleSeconds: Int64 = 300

    @Option(help: "How long before a sale opens its pre-queue takes tokens, in seconds (sales' default).")
    var preQueueSeconds: Int64 = 900

    @Option(help: "G: a waiting fan who makes no call for this many seconds loses the place.")
    var presenceGraceSeconds: Int64 = 60

    @Option(help: "The most unpaid holds one user may have at once; 0 means no limit.")
    var maxHoldsPerUser = 4

    @Option(help: "The most writes committed in one transaction (group commit); 1 commits each alone. PostgreSQL: 32 at most.")
    var maxBatch = 256

    @Option(help: "The largest frame body accepted, in bytes.")
    var maxFrameSize = 4 * 1024 * 1024

    @Option(help: "The most requests running at once per connection; more wait (back-pressure).")
    var maxInFlight = TransportConfiguration.defaultMaxInFlight

    @Option(help: "Close a connection that sent nothing for this many seconds while none of its requests ran; 0 never.")
    var idleTimeoutSeconds: Int64 = 300

    @Option(help: "The most connections open at once; default: the open-file limit less a tenth of it (at least 64).")
    var maxConnections: Int?

    @Option(help: "The most bytes unanswered requests may hold in the whole server; more are answered SERVER_OVERLOADED.")
    var maxPendingBytes = TransportConfiguration.defaultMaxPendingBytes

    @Option(help: "The bytes of unanswered requests above which one connection is not read until some are answered.")
    var maxPendingBytesPerConnection = TransportConfiguration.defaultMaxPendingBytesPerConnection

    @Option(help: "How long SIGTERM waits for requests to finish and answers to be read before closing connections hard.")
    var shutdownGraceSeconds: Int64 = 10

    @Option(help: "How IssueToken knows the user: none trusts the user id (demo only); jwt needs a site-signed JWT.")
    var userAuth = UserAuthMode.none

    @Option(help: "With --user-auth jwt: a file holding the HS256 shared secret (its bytes, a trailing newline dropped).")
    var jwtHs256SecretFile: String?

    @Option(help: "With --user-auth jwt: a file holding the ES256 (P-256) public key in PEM.")
    var jwtEs256PublicKeyFile: String?

    @Option(
        help: "A file holding the secret operators present to AdminService as \"authorization: Bearer <secret>\" (a trailing newline dropped; at least 16 bytes).")
    var adminSecretFile: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical; debug adds one line per call.")
    var logLevel: Logger.Level = .info

    @Option(help: "Log lines as text or as one JSON object per line.")
    var logFormat = LogFormat.text

    @Option(help: "Serve Prometheus metrics at http://<metrics-host>:<port>/metrics; none when not given.")
    var metricsPort: Int?

    @Option(help: "The address the metrics endpoint listens on.")
    var metricsHost = "127.0.0.1"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535.") }
        guard (0...65535).contains(metricsPort ?? 0) else { throw ValidationError("--metrics-port must be 0 to 65535.") }
        guard maxActive >= 0 else { throw ValidationError("--max-active must be 0 or more.") }
        guard admissionsPerInterval >= 0 else { throw ValidationError("--admissions-per-interval must be 0 or more.") }
        guard admissionIntervalMs > 0 else { throw ValidationError("--admission-interval-ms must be positive.") }
        guard activeSeconds > 0, holdSeconds > 0 else {
            throw ValidationError("--active-seconds and --hold-seconds must be positive.")
        }
        guard activeIdleSeconds > 0, presenceGraceSeconds > 0 else {
            throw ValidationError("--active-idle-seconds and --presence-grace-seconds must be positive.")
        }
        guard preQueueSeconds >= 0 else { throw ValidationError("--pre-queue-seconds must be 0 or more.") }
        guard maxHoldsPerUser >= 0 else { throw ValidationError("--max-holds-per-user must be 0 or more.") }
        guard maxBatch >= 1 else { throw ValidationError("--max-batch must be at least 1.") }
        guard maxFrameSize >= 64 else { throw ValidationError("--max-frame-size must be at least 64 bytes.") }
        guard maxInFlight >= 1 else { throw ValidationError("--max-in-flight must be at least 1.") }
        guard idleTimeoutSeconds >= 0 else { throw ValidationError("--idle-timeout-seconds must be 0 or more.") }
        guard (maxConnections ?? 1) >= 1 else { throw ValidationError("--max-connections must be at least 1.") }
        guard maxPendingBytes >= maxFrameSize else {
            throw ValidationError("--max-pending-bytes must be at least --max-frame-size.")
        }
        guard maxPendingBytesPerConnection >= 1 else {
            throw ValidationError("--max-pending-bytes-per-connection must be positive.")
        }
        guard shutdownGraceSeconds >= 0 else { throw ValidationError("--shutdown-grace-seconds must be 0 or more.") }
        let keyFiles = [jwtHs256SecretFile, jwtEs256PublicKeyFile].compactMap { $0 }
        switch userAuth {
        case .none:
            guard keyFiles.isEmpty else { throw ValidationError("JWT key files need --user-auth jwt.") }
        case .jwt:
            guard !keyFiles.isEmpty else {
                throw ValidationError("--user-auth jwt needs --jwt-hs256-secret-file or --jwt-es256-public-key-file.")
            }
        }
    }

    func run() async throws {
        let (logLevel, logFormat) = (self.logLevel, self.logFormat)
        LoggingSystem.bootstrap { label in
            switch logFormat {
            case .text:
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = logLevel
                return handler
            case .json:
                var handler = JSONLogHandler(label: label)
                handler.logLevel = logLevel
                return handler
            }
        }
        let logger = Logger(label: "concert-server")
        let metrics = metricsPort.map { MetricsEndpoint(host: metricsHost, port: $0) }
        metrics?.bootstrap()
        FileDescriptorLimit.raiseToHardLimit()
        let configuration = ServerConfiguration(
            transport: TransportConfiguration(
                host: host, port: port, maxFrameSize: maxFrameSize, maxInFlightPerConnection: maxInFlight,
                idleTimeout: idleTimeoutSeconds == 0 ? nil : .seconds(idleTimeoutSeconds),
                maxConnections: maxConnections, maxPendingBytes: maxPendingBytes,
                maxPendingBytesPerConnection: maxPendingBytesPerConnection,
                shutdownGrace: .seconds(shutdownGraceSeconds)),
            store: StoreConfiguration(
                database: database ?? ProcessInfo.processInfo.environment["CONCERT_DATABASE_URL"] ?? "concert.db",
                queue: QueuePolicy(
                    maxActive: maxActive,
                    admissionsPerInterval: admissionsPerInterval == 0 ? nil : admissionsPerInterval,
                    admissionIntervalMs: admissionIntervalMs,
                    activeLifetimeMs: activeSeconds * 1000, activeIdleMs: activeIdleSeconds * 1000,
                    preQueueWindowMs: preQueueSeconds * 1000),
                hold: HoldPolicy(holdDurationMs: holdSeconds * 1000, maxHoldsPerUser: maxHoldsPerUser),
                presence: PresencePolicy(graceMs: presenceGraceSeconds * 1000), maxBatchSize: maxBatch),
            catalogPath: catalog,
            seedDemoCatalog: demoCatalog,
            userAuthentication: try userAuthentication(),
            adminSecret: try adminSecret())
        logger.info("concert-server \(ConcertVersion.current) starting", metadata: settings)
        let service = ServerService(configuration: configuration, metrics: metrics, logger: logger)
        let group = ServiceGroup(
            services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        do {
            try await group.run()
        } catch let error as StoreOpeningError {
            logger.critical("\(error)")
            throw ExitCode(Self.databaseNotWritableExitCode)
        }
    }

    /// The settings in force, for the start-up log line (the database URL's password hidden).
    private var settings: Logger.Metadata {
        let database = database ?? ProcessInfo.processInfo.environment["CONCERT_DATABASE_URL"] ?? "concert.db"
        return [
            "database": "\(PostgresLocation(url: database)?.redacted ?? database)",
            "max-active": "\(maxActive)", "admissions-per-interval": "\(admissionsPerInterval)",
            "active-seconds": "\(activeSeconds)", "active-idle-seconds": "\(activeIdleSeconds)",
            "pre-queue-seconds": "\(preQueueSeconds)", "presence-grace-seconds": "\(presenceGraceSeconds)",
            "hold-seconds": "\(holdSeconds)", "max-holds-per-user": "\(maxHoldsPerUser)", "max-batch": "\(maxBatch)",
            "max-frame-size": "\(maxFrameSize)", "max-in-flight": "\(maxInFlight)",
            "idle-timeout-seconds": "\(idleTimeoutSeconds)", "max-pending-bytes": "\(maxPendingBytes)",
            "shutdown-grace-seconds": "\(shutdownGraceSeconds)", "user-auth": "\(userAuth.rawValue)",
            "admin-secret": "\(adminSecretFile == nil ? "none" : "from file")",
            "log-level": "\(logLevel)", "log-format": "\(logFormat.rawValue)",
            "metrics": "\(metricsPort.map { "\(metricsHost):\($0)" } ?? "off")",
        ]
    }

    /// The user authentication the flags select, with its key files read.
    private func userAuthentication() throws -> UserAuthentication {
        guard userAuth == .jwt else { return .trusted }
        var keys = JWTKeys()
        if let path = jwtHs256SecretFile {
            var secret = Array(try readKeyFile(path, flag: "--jwt-hs256-secret-file"))
            if secret.last == UInt8(ascii: "\n") { secret.removeLast() }
            guard secret.count >= 32 else {
                throw ValidationError("--jwt-hs256-secret-file must hold at least 32 bytes of secret.")
            }
            keys.hs256Secret = secret
        }
        if let path = jwtEs256PublicKeyFile {
            keys.es256PublicKeyPEM = String(decoding: try readKeyFile(path, flag: "--jwt-es256-public-key-file"), as: UTF8.self)
        }
        return .jwt(keys)
    }

    /// The admin secret from `--admin-secret-file`, its trailing newline dropped, or nil.
    private func adminSecret() throws -> [UInt8]? {
        guard let path = adminSecretFile else { return nil }
        var secret = Array(try readKeyFile(path, flag: "--admin-secret-file"))
        while let last = secret.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { secret.removeLast() }
        guard secret.count >= 16 else { throw ValidationError("--admin-secret-file must hold at least 16 bytes of secret.") }
        return secret
    }

    private func readKeyFile(_ path: String, flag: String) throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("\(flag) \(path) cannot be read: \(error.localizedDescription)")
        }
    }

    /// The exit code when the database cannot be written (EX_CANTCREAT from sysexits.h).
    static let databaseNotWritableExitCode: Int32 = 73
}

extension Logger.Level: @retroactive ExpressibleByArgument {}

/// The values of `--user-auth`.
enum UserAuthMode: String, ExpressibleByArgument, CaseIterable {
    /// User ids are trusted.
    case none
    /// IssueToken needs a site-signed JWT.
    case jwt
}
