import ConcertDomain
import ConcertStore
import Foundation
import Logging
import NIOCore

/// Keeps one connection for one thread (the writer's or a reader's): opens it on first use, replaces it
/// once it closed or failed, and after a failed attempt refuses at once (DATABASE_UNREACHABLE) until the
/// next attempt is due, so calls made while PostgreSQL is down are answered quickly instead of each
/// waiting for a connect timeout. Not thread-safe: one thread uses it.
final class ConnectionKeeper {
    /// How a connection is opened.
    struct Settings: Sendable {
        /// The database.
        var location: PostgresLocation
        /// How long a connection attempt may take.
        var connectTimeout: TimeAmount
        /// How long a statement may wait for a lock before STORE_BUSY.
        var lockTimeoutMs: Int32
        /// How long any answer may take before the connection is given up.
        var answerTimeout: DispatchTimeInterval
    }

    private let settings: Settings
    private let eventLoop: any EventLoop
    private let logger: Logger
    private var current: BlockingPostgresConnection?
    private var retryAt = DispatchTime(uptimeNanoseconds: 0)
    private var backoffMs = 50

    /// A keeper of connections to `settings.location` on `eventLoop`.
    init(settings: Settings, eventLoop: any EventLoop, logger: Logger) {
        self.settings = settings
        self.eventLoop = eventLoop
        self.logger = logger
    }

    /// The open connection, or a new one; DATABASE_UNREACHABLE when none can be had now.
    func connection() throws -> BlockingPostgresConnection {
        if let current, !current.isClosed { return current }
        current = nil
        guard DispatchTime.now() >= retryAt else {
            throw ConcertError(.databaseUnreachable, logNote: "PostgreSQL unreachable; next attempt pending")
        }
        do {
            let opened = try BlockingPostgresConnection.connect(
                to: settings.location, on: eventLoop, connectTimeout: settings.connectTimeout,
                lockTimeoutMs: settings.lockTimeoutMs, timeout: settings.answerTimeout, logger: logger)
            current = opened
            backoffMs = 50
            return opened
        } catch {
            retryAt = .now() + .milliseconds(backoffMs)
            backoffMs = min(backoffMs * 2, 1000)
            throw error
        }
    }

    /// Gives the connection up after `error` when the error means it cannot be used any more.
    func discard(after error: any Error) {
        guard PostgresFailure.isConnectionLost(error) else { return }
        current?.close()
        current = nil
    }

    /// Closes the connection.
    func close() {
        current?.close()
        current = nil
    }
}
