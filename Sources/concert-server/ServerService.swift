import ConcertDomain
import ConcertRPC
import ConcertServer
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs the application under swift-service-lifecycle: on SIGTERM or SIGINT it drains (stops accepting,
/// moves every watch, answers the requests in flight) while the background jobs go on, then stops the jobs,
/// closes the database and returns; on SIGHUP it reads the catalog file again
/// (``ConcertApplication/reloadCatalog(by:)``).
/// Its description names it only: service-lifecycle logs services at debug, and the configuration holds
/// the database URL (with any password).
struct ServerService: Service, CustomStringConvertible {
    let configuration: ServerConfiguration
    /// The metrics endpoint to serve, if any.
    let metrics: MetricsEndpoint?
    let logger: Logger

    var description: String { "ServerService" }

    func run() async throws {
        let application = try await ConcertApplication.start(configuration: configuration, logger: logger)
        logger.info(
            "listening",
            metadata: [
                "host": "\(configuration.transport.host)", "port": "\(application.port)",
                "database": "\(configuration.store.database)", "max-connections": "\(application.maxConnections)",
                "open-file-limit": "\(FileDescriptorLimit.current.map(String.init) ?? "unknown")",
            ])
        let scrapes = try await metrics?.start()
        if let scrapes, let metrics {
            logger.info("metrics at http://\(metrics.host):\(scrapes.port)/metrics")
        }
        let jobs = Task {
            await withDiscardingTaskGroup { group in
                group.addTask { await application.runBackgroundJobs() }
                group.addTask { await reloadOnHangup(application) }
            }
        }
        try? await gracefulShutdown()
        logger.info("shutting down: moving watches, finishing requests in flight")
        await application.drain()
        jobs.cancel()
        await jobs.value
        await application.shutdown()
        await scrapes?.close()
        logger.info("stopped")
    }

    /// Reloads the catalog on every SIGHUP until the task is cancelled, logging what it added or why not.
    private func reloadOnHangup(_ application: ConcertApplication) async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            do {
                let added = try await application.reloadCatalog(by: .hangupSignal)
                logger.notice(
                    "catalog reloaded", metadata: ["concerts-added": "\(added.concertIDs)", "dates-added": "\(added.dates)"])
            } catch {
                logger.error("catalog reload failed; nothing changed", metadata: ["error": "\(error)"])
            }
        }
    }
}
