public import ConcertProtocol
import ConcertDomain
public import Logging

/// Routes each request envelope by method path to its handler and turns every
/// outcome, good or bad, into a response envelope. Knows nothing of connections,
/// so tests can drive it in-process.
public struct Dispatcher: Sendable {
    private let routes: [String: Route]
    private let services: Set<String>
    private let logger: Logger

    /// Creates a dispatcher over `routes`; a path served twice is a programming error.
    public init(routes: [Route], logger: Logger) {
        var table: [String: Route] = [:]
        for route in routes {
            precondition(table[route.method.path] == nil, "\(route.method.path) is routed twice")
            table[route.method.path] = route
        }
        self.routes = table
        self.services = Set(routes.map(\.method.service))
        self.logger = logger
    }

    /// Serves one request and returns its response; never throws.
    public func dispatch(_ request: RequestEnvelope) async -> ResponseEnvelope {
        guard let route = routes[request.method] else {
            return ResponseEnvelope(request.id, failure: unroutable(request.method))
        }
        let context = RequestContext(requestID: request.id, metadata: request.metadata)
        do {
            let payload = try await route.serve(request.payload, context)
            return ResponseEnvelope(id: request.id, code: .ok, payload: payload)
        } catch {
            return ResponseEnvelope(request.id, failure: failure(for: error, method: route.method))
        }
    }

    private func unroutable(_ path: String) -> RPCError {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 3, parts[0].isEmpty, services.contains(String(parts[1])) {
            return RPCError(
                code: .unimplemented, reason: .unknownMethod,
                message: "Service \(parts[1]) has no method \(parts[2]).")
        }
        if parts.count == 3, parts[0].isEmpty {
            return RPCError(code: .unimplemented, reason: .unknownService, message: "No service is named \(parts[1]).")
        }
        return RPCError(
            code: .unimplemented, reason: .unknownMethod,
            message: "A method path has the form /package.Service/Method.")
    }

    private func failure(for error: any Error, method: MethodDescriptor) -> RPCError {
        if let rpcError = error as? RPCError { return rpcError }
        if let mapped = RPCError(domainError: error) {
            if let note = (error as? ConcertError)?.logNote {
                logger.debug(
                    "request refused", metadata: ["method": "\(method.path)", "reason": "\(mapped.reason)", "note": "\(note)"])
            }
            return mapped
        }
        logger.error("unexpected error serving request", metadata: ["method": "\(method.path)", "error": "\(error)"])
        return RPCError(code: .internal, reason: .internalError, message: "The server failed to complete the call.")
    }
}

extension ResponseEnvelope {
    /// The response carrying `failure` for request `id`.
    init(_ id: UInt64, failure: RPCError) {
        self.init(id: id, code: failure.code, message: failure.message, reason: failure.reason)
    }
}
