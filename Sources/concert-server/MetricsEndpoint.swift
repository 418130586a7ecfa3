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
    ///
    /// Latency buckets run from 25 µs (a read answered on the event loop) to 10 s (a call's default
    /// deadline); the writer's batch sizes are counted in powers of two up to the largest batch.
    func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(25), .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500),
            .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25),
            .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        factory.valueHistogramBuckets["concert_store_batch_size"] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
        MetricsSystem.bootstrap(factory)
    }

    /// Starts serving scrapes.
    func start() async throws -> MetricsHTTPServer {
        let registry = registry
        return try await MetricsHTTPServer(host: host, port: port) { registry.emitToBuffer() }
    }
}
