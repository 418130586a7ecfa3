import ConcertRPC
import CoreMetrics
import Prometheus

/// Where the server publishes its metrics: swift-metrics bootstrapped with a Prometheus registry, served
/// over HTTP by ``MetricsHTTPServer`` at `/metrics`.
struct MetricsEndpoint: Sendable {
    /// The address to listen on.
    let host: String
    /// The port to listen on; 0 picks a free one.
    let port: Int
    /// The registry every metric of the process is kept in.
    let registry = PrometheusCollectorRegistry()

    /// Makes `registry` the process's metrics backend; call once, before anything makes a metric.
    func bootstrap() {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }

    /// Starts serving scrapes.
    func start() async throws -> MetricsHTTPServer {
        let registry = registry
        return try await MetricsHTTPServer(host: host, port: port) { registry.emitToBuffer() }
    }
}
