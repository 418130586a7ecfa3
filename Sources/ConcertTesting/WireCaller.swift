public import ConcertProtocol
import Foundation

/// A test-only caller that makes each typed call on a fresh raw TCP connection, so the
/// service tests exercise the real server without the client library. Conforms to
/// ``RPCCaller``, which gives it every generated typed method.
public struct WireCaller: RPCCaller {
    /// The server's IPv4 address (loopback unless given).
    public let host: String
    /// The server's port.
    public let port: Int
    /// The queue token sent with every call, if any.
    public var token: String?

    /// A caller reaching the server on `host`:`port` with `token`.
    public init(host: String = "127.0.0.1", port: Int, token: String? = nil) {
        self.host = host
        self.port = port
        self.token = token
    }

    /// Sends one call and maps a non-OK answer to ``RPCError``.
    public func call<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        timeout: Duration?
    ) async throws(RPCError) -> Response {
        let envelope = WireCaller.envelope(rpc, request, token: token)
        let answer: ResponseEnvelope?
        do {
            answer = try await onThread { [host, port] in
                let connection = try RawConnection(host: host, port: port)
                try connection.sendFrame(envelope)
                return try connection.readResponse()
            }
        } catch {
            throw RPCError(code: .unavailable, reason: .connectionFailed, message: "\(error)")
        }
        return try WireCaller.decode(answer, as: Response.self)
    }

    /// The request envelope for one call carrying `token`.
    public static func envelope<Request, Response>(
        _ rpc: RPC<Request, Response>, _ request: Request, token: String?, id: UInt64 = 1
    ) -> RequestEnvelope {
        RequestEnvelope(
            id: id, method: rpc.descriptor.path,
            metadata: token.map { [MetadataEntry(key: MetadataKey.queueToken, value: $0)] } ?? [],
            payload: request.serializedBytes())
    }

    /// The response message of an OK answer, or the answer's error.
    public static func decode<Response: ProtoMessage>(_ answer: ResponseEnvelope?, as: Response.Type) throws(RPCError)
        -> Response
    {
        guard let answer else {
            throw RPCError(code: .unavailable, reason: .connectionClosed, message: "no answer")
        }
        guard answer.code == .ok else {
            throw RPCError(code: answer.code, reason: answer.reason, message: answer.message)
        }
        do {
            return try Response(serializedBytes: answer.payload)
        } catch {
            throw RPCError(code: .internal, reason: .malformedResponse, message: "\(error)")
        }
    }
}

/// Many calls at once: opens one connection per request, sends them all, then reads every
/// answer, so all requests are in flight together. `host` is loopback unless given.
public func raceOverConnections<Request, Response>(
    host: String = "127.0.0.1",
    port: Int,
    _ rpc: RPC<Request, Response>,
    _ calls: [(request: Request, token: String?)]
) async throws -> [Result<Response, RPCError>] {
    let envelopes = calls.map { WireCaller.envelope(rpc, $0.request, token: $0.token) }
    let answers = try await onThread {
        let connections = try envelopes.map { _ in try RawConnection(host: host, port: port, receiveTimeout: 60) }
        for (connection, envelope) in zip(connections, envelopes) { try connection.sendFrame(envelope) }
        return try connections.map { try $0.readResponse() }
    }
    return answers.map { answer in Result<Response, RPCError> { () throws(RPCError) in try WireCaller.decode(answer, as: Response.self) } }
}

/// Many calls pipelined over a few connections: `connections` connections, each carrying
/// an equal share of the requests, all sent before any answer is read. `host` is loopback unless given.
public func pipelineOverConnections<Request, Response>(
    host: String = "127.0.0.1",
    port: Int,
    connections count: Int,
    _ rpc: RPC<Request, Response>,
    _ calls: [(request: Request, token: String?)]
) async throws -> [Result<Response, RPCError>] {
    let envelopes = calls.enumerated().map { index, call in
        WireCaller.envelope(rpc, call.request, token: call.token, id: UInt64(index + 1))
    }
    let answers = try await onThread {
        let connections = try (0..<count).map { _ in try RawConnection(host: host, port: port, receiveTimeout: 120) }
        var share = Array(repeating: [UInt8](), count: count)
        for (index, envelope) in envelopes.enumerated() {
            var buffer = ByteBufferBox()
            buffer.append(envelope)
            share[index % count] += buffer.bytes
        }
        for (connection, bytes) in zip(connections, share) { try connection.send(bytes) }
        var byID: [UInt64: ResponseEnvelope] = [:]
        for (index, connection) in connections.enumerated() {
            let expected = Array(stride(from: index, to: envelopes.count, by: count)).count
            for _ in 0..<expected {
                if let answer = try connection.readResponse() { byID[answer.id] = answer }
            }
        }
        return (1...envelopes.count).map { byID[UInt64($0)] }
    }
    return answers.map { answer in Result<Response, RPCError> { () throws(RPCError) in try WireCaller.decode(answer, as: Response.self) } }
}
