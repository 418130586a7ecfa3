import ConcertDomain
import ConcertStore
import PostgresNIO

/// What a PostgreSQL failure means to the store: the connection is gone (DATABASE_UNREACHABLE, and the
/// connection must be replaced), the disk is full (STORAGE_FULL), the database takes no writes
/// (STORAGE_UNAVAILABLE: a read-only standby after a failover), a lock was not had in time (STORE_BUSY),
/// a transaction lost a race that a retry
/// wins (serialization failure or deadlock), or anything else (an internal storage error, never shown to
/// clients).
enum PostgresFailure {
    /// The SQLSTATE classes and codes that mean the server went away or is not ready: connection
    /// exceptions (08), operator intervention (57: shutdown, restart, too many clients), a read-only
    /// server (25006: a demoted primary; a new connection may reach the new one) and
    /// insufficient resources other than a full disk (53).
    private static let unreachableStates: Set<String> = [
        "57P01", "57P02", "57P03", "57014", "53300", "25006", "08000", "08003", "08006", "08001", "08004", "08007", "08P01",
    ]

    /// The store error for `error`, raised while `operation`.
    static func storeError(_ error: any Error, operation: String) -> any Error {
        if let error = error as? ConcertError { return error }
        let note = "PostgreSQL during \(operation): \(describe(error))"
        switch sqlState(of: error) {
        case "53100":
            return ConcertError(.storageFull, logNote: note)
        case "25006":
            return ConcertError(.storageUnavailable, logNote: note)
        case "55P03":
            return ConcertError(.storeBusy, "The store is busy; try again shortly.", logNote: note)
        default:
            break
        }
        if isConnectionLost(error) {
            return ConcertError(.databaseUnreachable, logNote: note)
        }
        return StorageError(code: 0, message: describe(error), operation: "PostgreSQL: \(operation)")
    }

    /// Whether `error` (PostgreSQL's, or the store error made of it) means the connection cannot be used
    /// any more: a new one is needed.
    static func isConnectionLost(_ error: any Error) -> Bool {
        if let error = error as? ConcertError { return [.databaseUnreachable, .storageUnavailable].contains(error.reason) }
        if error is StorageError { return false }
        guard let error = error as? PSQLError else { return true }
        if error.code == .server {
            return sqlState(of: error).map { unreachableStates.contains($0) || $0.hasPrefix("08") } ?? false
        }
        return true
    }

    /// Whether `error` is a serialization failure or a deadlock, which a retry of the transaction wins.
    static func isRetryable(_ error: any Error) -> Bool {
        ["40001", "40P01"].contains(sqlState(of: error))
    }

    /// The SQLSTATE of a server error.
    static func sqlState(of error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// A log line for `error`: the server's state and message, or the client-side code.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            return "\(info[.sqlState] ?? "?") \(info[.message] ?? "")"
        }
        return "\(error.code)\(error.underlying.map { ": \($0)" } ?? "")"
    }
}
