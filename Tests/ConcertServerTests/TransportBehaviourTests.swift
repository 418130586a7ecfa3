import ConcertDomain
import ConcertProtocol
import ConcertRPC
@testable import ConcertServer
import Foundation
import Logging
import NIOCore
import ConcertTesting
import Testing

/// The transport's behaviour with handlers the test controls: deadlines, out-of-order
/// answers, back-pressure, error mapping and graceful shutdown, over real loopback TCP.
@Suite("Transport behaviour")
struct TransportBehaviourTests {
    static let slow = RPC<HealthCheckRequest, HealthCheckResponse>(
        service: "test.v1.Test", method: "Slow", requestType: HealthCheckRequest.protoName,
        responseType: HealthCheckResponse.protoName)
    static let fast = RPC<HealthCheckRequest, HealthCheckResponse>(
        service: "test.v1.Test", method: "Fast", requestType: HealthCheckRequest.protoName,
        responseType: HealthCheckResponse.protoName)
    static let failing = RPC<HealthCheckRequest, HealthCheckResponse>(
        service: "test.v1.Test", method: "Failing", requestType: HealthCheckRequest.protoName,
        responseType: HealthCheckResponse.protoName)
    static let domainFailure = RPC<HealthCheckRequest, HealthCheckResponse>(
        service: "test.v1.Test", method: "DomainFailure", requestType: HealthCheckRequest.protoName,
        responseType: HealthCheckResponse.protoName)

    /// A server whose `Slow` method waits for `gate`, counting how many run at once.
    private func startServer(
        gate: Gate, gauge: ConcurrencyGauge, maxInFlight: Int = 128, idleTimeout: Duration? = nil
    ) async throws -> RPCServer {
        let routes = [
            Route(Self.slow) { _, _ in
                gauge.enter()
                await gate.wait()
                gauge.leave()
                return HealthCheckResponse(status: .serving)
            },
            Route(Self.fast) { _, _ in HealthCheckResponse(status: .serving) },
            Route(Self.failing) { _, _ in
                throw NSError(domain: "SELECT secret FROM internals", code: 42)
            },
            Route(Self.domainFailure) { _, _ in throw ConcertError(.seatAlreadyHeld) },
        ]
        var logger = Logger(label: "transport-test")
        logger.logLevel = .critical
        return try await RPCServer(
            configuration: TransportConfiguration(port: 0, maxInFlightPerConnection: maxInFlight, idleTimeout: idleTimeout),
            dispatcher: Dispatcher(routes: routes, logger: logger, translate: RPCError.translatingDomainErrors(logger: logger)),
            logger: logger)
    }

    @Test("a request whose timeout elapses is answered DEADLINE_EXCEEDED")
    func deadline() async throws {
        let gate = Gate()
        let server = try await startServer(gate: gate, gauge: ConcurrencyGauge())
        let answer = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(RequestEnvelope(id: 5, method: Self.slow.descriptor.path, timeoutMs: 50))
            return try connection.readResponse()
        }
        #expect(answer?.id == 5)
        #expect(answer?.code == .deadlineExceeded)
        #expect(answer?.reason == "DEADLINE_EXCEEDED")
        gate.open()
        await server.shutdownGracefully()
    }

    @Test("a request waiting behind the in-flight limit still gets its deadline from receipt")
    func deadlineWhileQueued() async throws {
        let gate = Gate()
        let server = try await startServer(gate: gate, gauge: ConcurrencyGauge(), maxInFlight: 1)
        let (queued, first) = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(RequestEnvelope(id: 1, method: Self.slow.descriptor.path))
            try connection.sendFrame(RequestEnvelope(id: 2, method: Self.slow.descriptor.path, timeoutMs: 100))
            let queued = try connection.readResponse()
            gate.open()
            return (queued, try connection.readResponse())
        }
        #expect(queued?.id == 2)
        #expect(queued?.code == .deadlineExceeded)
        #expect(first?.id == 1)
        #expect(first?.code == .ok)
        await server.shutdownGracefully()
    }

    @Test("a later request with an earlier deadline expires first; both are answered")
    func deadlinesOutOfOrder() async throws {
        let gate = Gate()
        let server = try await startServer(gate: gate, gauge: ConcurrencyGauge())
        let answers = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(RequestEnvelope(id: 1, method: Self.slow.descriptor.path, timeoutMs: 400))
            try connection.sendFrame(RequestEnvelope(id: 2, method: Self.slow.descriptor.path, timeoutMs: 40))
            try connection.sendFrame(RequestEnvelope(id: 3, method: Self.fast.descriptor.path, timeoutMs: 10_000))
            return try (1...3).map { _ in try connection.readResponse() }
        }
        let codes = Dictionary(uniqueKeysWithValues: answers.compactMap { $0.map { ($0.id, $0.code) } })
        #expect(codes == [1: .deadlineExceeded, 2: .deadlineExceeded, 3: .ok])
        let expiryOrder = answers.compactMap { $0 }.filter { $0.code == .deadlineExceeded }.map(\.id)
        #expect(expiryOrder == [2, 1])
        gate.open()
        await server.shutdownGracefully()
    }

    @Test("the idle timeout spares a connection waiting for an answer, then closes it once idle")
    func idleTimeout() async throws {
        let gate = Gate()
        let gauge = ConcurrencyGauge()
        let server = try await startServer(gate: gate, gauge: gauge, idleTimeout: .seconds(1))
        let (answer, closed) = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(RequestEnvelope(id: 1, method: Self.slow.descriptor.path))
            for _ in 0..<1000 where gauge.peak == 0 { Thread.sleep(forTimeInterval: 0.01) }
            Thread.sleep(forTimeInterval: 1.5)
            gate.open()
            return (try connection.readResponse(), try connection.isClosedByServer())
        }
        #expect(answer?.id == 1)
        #expect(answer?.code == .ok)
        #expect(closed)
        await server.shutdownGracefully()
    }

    @Test("a slow request does not hold back a later fast one on the same connection")
    func outOfOrder() async throws {
        let gate = Gate()
        let server = try await startServer(gate: gate, gauge: ConcurrencyGauge())
        let ids = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(RequestEnvelope(id: 1, method: Self.slow.descriptor.path))
            try connection.sendFrame(RequestEnvelope(id: 2, method: Self.fast.descriptor.path))
            let first = try connection.readResponse()?.id
            gate.open()
            let second = try connection.readResponse()?.id
            return [first, second]
        }
        #expect(ids == [2, 1])
        await server.shutdownGracefully()
    }

    @Test("no more than the in-flight limit run at once; the rest are served afterwards")
    func backPressure() async throws {
        let gate = Gate()
        let gauge = ConcurrencyGauge()
        let server = try await startServer(gate: gate, gauge: gauge, maxInFlight: 2)
        let answers = try await onThread {
            let connection = try RawConnection(port: server.port)
            var frames = ByteBuffer()
            for id in 1...10 {
                FrameParser.writeFrame(RequestEnvelope(id: UInt64(id), method: Self.slow.descriptor.path), into: &frames)
            }
            try connection.send(Array(frames.readableBytesView))
            Thread.sleep(forTimeInterval: 0.2)
            gate.open()
            return try (1...10).map { _ in try connection.readResponse() }
        }
        #expect(Set(answers.compactMap { $0?.id }) == Set(1...10))
        #expect(answers.allSatisfy { $0?.code == .ok })
        #expect(gauge.peak <= 2)
        await server.shutdownGracefully()
    }

    @Test("an unexpected error is INTERNAL with a generic message that leaks nothing")
    func internalErrorLeaksNothing() async throws {
        let server = try await startServer(gate: Gate(), gauge: ConcurrencyGauge())
        let answer = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(RequestEnvelope(id: 4, method: Self.failing.descriptor.path))
            return try connection.readResponse()
        }
        #expect(answer?.code == .internal)
        #expect(answer?.reason == "INTERNAL_ERROR")
        #expect(answer?.message.contains("secret") == false)
        #expect(answer?.message.contains("SELECT") == false)
        await server.shutdownGracefully()
    }

    @Test("a domain error keeps its reason and gets its category's status code")
    func domainError() async throws {
        let server = try await startServer(gate: Gate(), gauge: ConcurrencyGauge())
        let answer = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(RequestEnvelope(id: 6, method: Self.domainFailure.descriptor.path))
            return try connection.readResponse()
        }
        #expect(answer?.code == .alreadyExists)
        #expect(answer?.reason == "SEAT_ALREADY_HELD")
        await server.shutdownGracefully()
    }

    @Test("graceful shutdown answers the request in flight, then closes the connection")
    func gracefulShutdown() async throws {
        let gate = Gate()
        let gauge = ConcurrencyGauge()
        let server = try await startServer(gate: gate, gauge: gauge)
        let connection = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(RequestEnvelope(id: 11, method: Self.slow.descriptor.path))
            return connection
        }
        for _ in 0..<2000 where gauge.peak == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let shutdown = Task { await server.shutdownGracefully() }
        try await Task.sleep(for: .milliseconds(100))
        gate.open()
        let (answer, closed) = try await onThread { (try connection.readResponse(), try connection.isClosedByServer()) }
        await shutdown.value
        #expect(answer?.id == 11)
        #expect(answer?.code == .ok)
        #expect(closed)
    }
}
