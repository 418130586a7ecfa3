internal import ConcertProtocol
internal import CoreMetrics
internal import Logging
internal import NIOCore
internal import Synchronization

/// What the dispatcher records of every call it serves, through swift-metrics (the backend the process
/// bootstrapped; without one nothing is kept) and, at debug level, one access-log line per call.
///
/// Metrics: `concert_rpc_calls_total{method,code}`, `concert_rpc_call_duration_seconds{method}` (a
/// histogram, from dispatch to answer) and `concert_rpc_calls_in_flight`. The access line holds the
/// method, code, reason, microseconds and connection, never the request's metadata (the queue token).
final class CallObservation: Sendable {
    /// One method's metrics: the OK counter made up front (the common case takes no lock), the others on
    /// first use.
    private final class MethodMetrics: Sendable {
        let name: String
        let ok: Counter
        let duration: Timer
        let failures = Mutex<[StatusCode: Counter]>([:])

        init(name: String) {
            self.name = name
            ok = Counter(label: CallObservation.callsLabel, dimensions: [("method", name), ("code", StatusCode.ok.name)])
            duration = Timer(label: "concert_rpc_call_duration_seconds", dimensions: [("method", name)])
        }

        func counter(for code: StatusCode) -> Counter {
            if code == .ok { return ok }
            return failures.withLock { counters in
                if let counter = counters[code] { return counter }
                let counter = Counter(
                    label: CallObservation.callsLabel, dimensions: [("method", name), ("code", code.name)])
                counters[code] = counter
                return counter
            }
        }
    }

    /// The calls counter's name.
    static let callsLabel = "concert_rpc_calls_total"

    private let methods: [MethodMetrics]
    private let unrouted: MethodMetrics
    private let inFlight = Meter(label: "concert_rpc_calls_in_flight")
    private let logger: Logger

    /// Metrics for `methods` (the dispatcher's routes, by index) and calls to no route.
    init(methods: [MethodDescriptor], logger: Logger) {
        self.methods = methods.map { MethodMetrics(name: $0.path) }
        unrouted = MethodMetrics(name: "unknown")
        self.logger = logger
    }

    /// Notes that a call starts; returns when, for ``finished(route:call:start:failure:)``.
    func started() -> NIODeadline {
        inFlight.increment()
        return .now()
    }

    /// Records the answer to a call to route `index` (nil: no route) that started at `start`.
    func finished(route index: Int?, call: IncomingCall, start: NIODeadline, failure: RPCError?) {
        let elapsed = NIODeadline.now() - start
        let method = index.map { methods[$0] } ?? unrouted
        let code = failure?.code ?? .ok
        inFlight.decrement()
        method.counter(for: code).increment()
        method.duration.recordNanoseconds(elapsed.nanoseconds)
        guard logger.logLevel <= .debug else { return }
        logger.debug(
            "call",
            metadata: [
                "method": "\(method.name)", "code": "\(code.name)", "reason": "\(failure?.reason ?? "")",
                "us": "\(elapsed.nanoseconds / 1000)", "connection": "\(call.connection)", "id": "\(call.id)",
            ])
    }
}
