import ConcertProtocol
import Foundation
import NIOCore
import ConcertTesting
import Testing

/// The server spoken to in raw bytes over real loopback TCP, abuse included. After every
/// abuse a fresh connection must still be served.
@Suite("Wire conformance")
struct ConformanceTests {
    /// The health check request of PROTOCOL.md, byte for byte.
    static let handBuiltHealthFrame: [UInt8] =
        [0x00, 0x00, 0x00, 0x24, 0x08, 0x01, 0x12, 0x20] + Array("/concert.v1.SystemService/Health".utf8)

    @Test("a hand-built health check frame is answered SERVING")
    func handBuiltHealthCheck() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let response = try await onThread {
                let connection = try RawConnection(port: server.port)
                try connection.send(Self.handBuiltHealthFrame)
                return try connection.readResponse()
            }
            let answer = try #require(response)
            #expect(answer.id == 1)
            #expect(answer.code == .ok)
            #expect(answer.reason.isEmpty)
            let health = try HealthCheckResponse(serializedBytes: answer.payload)
            #expect(health.status == .serving)
            #expect(health.protocol == "concert.v1")
        }
    }

    @Test("an unknown method of a known service is UNIMPLEMENTED / UNKNOWN_METHOD")
    func unknownMethod() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let answer = try await call(server, RequestEnvelope(id: 7, method: "/concert.v1.QueueService/Teleport"))
            #expect(answer.id == 7)
            #expect(answer.code == .unimplemented)
            #expect(answer.reason == "UNKNOWN_METHOD")
            try await expectServed(server)
        }
    }

    @Test("an unknown service is UNIMPLEMENTED / UNKNOWN_SERVICE", arguments: [
        "/concert.v2.QueueService/GetQueueStatus", "/nope.Nothing/Call",
    ])
    func unknownService(path: String) async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let answer = try await call(server, RequestEnvelope(id: 8, method: path))
            #expect(answer.code == .unimplemented)
            #expect(answer.reason == "UNKNOWN_SERVICE")
            try await expectServed(server)
        }
    }

    @Test("a method path without the /service/method shape is UNKNOWN_METHOD")
    func malformedPath() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let answer = try await call(server, RequestEnvelope(id: 9, method: "Health"))
            #expect(answer.code == .unimplemented)
            #expect(answer.reason == "UNKNOWN_METHOD")
        }
    }

    @Test("a payload that is not the method's request is INVALID_ARGUMENT / MALFORMED_PAYLOAD")
    func garbagePayload() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let answer = try await call(
                server,
                RequestEnvelope(
                    id: 10, method: AuthService.issueToken.descriptor.path, payload: [0x0A, 0xFF, 0xFF, 0xFF, 0x0F]))
            #expect(answer.id == 10)
            #expect(answer.code == .invalidArgument)
            #expect(answer.reason == "MALFORMED_PAYLOAD")
            try await expectServed(server)
        }
    }

    @Test("an undecodable envelope gets one final id-0 answer, then the connection closes")
    func undecodableEnvelope() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let (answer, closed) = try await onThread {
                let connection = try RawConnection(port: server.port)
                try connection.send([0x00, 0x00, 0x00, 0x03, 0xFF, 0xFF, 0xFF])
                return (try connection.readResponse(), try connection.isClosedByServer())
            }
            let final = try #require(answer)
            #expect(final.id == 0)
            #expect(final.code == .invalidArgument)
            #expect(final.reason == "MALFORMED_ENVELOPE")
            #expect(closed)
            try await expectServed(server)
        }
    }

    @Test("an oversized length prefix is refused at once, before its bytes arrive")
    func oversizedLengthPrefix() async throws {
        try await withLiveServer(backgroundJobs: false, maxFrameSize: 1024) { server in
            let (answer, closed) = try await onThread {
                let connection = try RawConnection(port: server.port)
                try connection.send([0xFF, 0xFF, 0xFF, 0xF0])
                return (try connection.readResponse(), try connection.isClosedByServer())
            }
            let final = try #require(answer)
            #expect(final.id == 0)
            #expect(final.code == .resourceExhausted)
            #expect(final.reason == "FRAME_TOO_LARGE")
            #expect(closed)
            try await expectServed(server)
        }
    }

    @Test("a truncated frame followed by end of stream closes only that connection")
    func truncatedFrame() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let closed = try await onThread {
                let connection = try RawConnection(port: server.port)
                try connection.send([0x00, 0x00, 0x00, 0x64] + [UInt8](repeating: 0x08, count: 10))
                connection.shutdownWrite()
                return try connection.isClosedByServer()
            }
            #expect(closed)
            try await expectServed(server)
        }
    }

    @Test("a zero-length frame is an empty envelope: answered, connection kept")
    func zeroLengthFrame() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let answer = try await onThread {
                let connection = try RawConnection(port: server.port)
                try connection.send([0x00, 0x00, 0x00, 0x00])
                let first = try connection.readResponse()
                try connection.send(Self.handBuiltHealthFrame)
                return (first, try connection.readResponse())
            }
            #expect(answer.0?.code == .unimplemented)
            #expect(answer.1?.code == .ok)
        }
    }

    @Test("1,000 pipelined requests on one connection are each answered once with their id")
    func pipelining() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let ids = try await onThread {
                let connection = try RawConnection(port: server.port)
                var frames = ByteBuffer()
                for id in 1...1000 {
                    FrameParser.writeFrame(
                        RequestEnvelope(id: UInt64(id), method: SystemService.health.descriptor.path), into: &frames)
                }
                try connection.send(Array(frames.readableBytesView))
                var ids: [UInt64] = []
                for _ in 1...1000 {
                    let answer = try #require(try connection.readResponse())
                    #expect(answer.code == .ok)
                    ids.append(answer.id)
                }
                return ids
            }
            #expect(ids.count == 1000)
            #expect(Set(ids) == Set((1...1000).map(UInt64.init)))
        }
    }

    @Test("100 connections open at once are all served")
    func concurrentConnections() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let answers = try await onThread {
                let connections = try (1...100).map { _ in try RawConnection(port: server.port) }
                for (index, connection) in connections.enumerated() {
                    try connection.sendFrame(
                        RequestEnvelope(id: UInt64(index + 1), method: SystemService.health.descriptor.path))
                }
                return try connections.map { try $0.readResponse() }
            }
            #expect(answers.count == 100)
            for (index, answer) in answers.enumerated() {
                #expect(answer?.id == UInt64(index + 1))
                #expect(answer?.code == .ok)
            }
        }
    }

    @Test("ListServices names every service and method of the protocol")
    func listServices() async throws {
        try await withLiveServer(backgroundJobs: false) { server in
            let answer = try await call(server, RequestEnvelope(id: 3, method: SystemService.listServices.descriptor.path))
            let list = try ListServicesResponse(serializedBytes: answer.payload)
            #expect(list.services.map(\.name) == ProtocolServices.all.map(\.name))
            let reserve = list.services.flatMap(\.methods).first { $0.name == "ReserveSeat" }
            #expect(reserve?.requestType == "concert.v1.ReserveSeatRequest")
            #expect(reserve?.requiresToken == true)
            #expect(list.services.flatMap(\.methods).first { $0.name == "IssueToken" }?.requiresToken == false)
        }
    }

    /// Sends one request on a new connection and returns its answer.
    private func call(_ server: LiveServer, _ request: RequestEnvelope) async throws -> ResponseEnvelope {
        let answer = try await onThread {
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(request)
            return try connection.readResponse()
        }
        return try #require(answer)
    }

    /// A fresh connection still gets a health check answered.
    private func expectServed(_ server: LiveServer) async throws {
        let answer = try await call(server, RequestEnvelope(id: 99, method: SystemService.health.descriptor.path))
        #expect(answer.id == 99)
        #expect(answer.code == .ok)
    }
}
