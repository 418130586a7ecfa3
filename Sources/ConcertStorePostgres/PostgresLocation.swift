import Foundation

/// Where a PostgreSQL database is: parsed from `postgres://user[:password]@host[:port]/database`
/// (`postgresql://` too), the form `--database` and `CONCERT_DATABASE_URL` take.
public struct PostgresLocation: Sendable, Equatable {
    /// The server's host name or address.
    public var host: String
    /// The server's TCP port (5432 unless the URL names one).
    public var port: Int
    /// The user to log in as.
    public var user: String
    /// The password, if the URL has one (trust or peer setups need none).
    public var password: String?
    /// The database name.
    public var database: String

    /// Whether `text` names a PostgreSQL database rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// Parses `url`; nil when it is not a complete PostgreSQL URL (scheme, user, host and database).
    public init?(url: String) {
        guard Self.isURL(url), let components = URLComponents(string: url), let host = components.host,
            !host.isEmpty, let user = components.user, !user.isEmpty
        else { return nil }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else { return nil }
        self.host = host
        self.port = components.port ?? 5432
        self.user = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
    }

    /// The URL without its password, for logs and messages.
    public var redacted: String {
        "postgres://\(user)@\(host):\(port)/\(database)"
    }
}
