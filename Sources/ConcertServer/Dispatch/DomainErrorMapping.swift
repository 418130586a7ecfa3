import ConcertDomain
import ConcertProtocol
import Logging

extension RPCError {
    /// The dispatcher's translation of the handlers' errors: a domain failure becomes its wire
    /// form, and the note it carries for operators (never sent) is logged at debug level.
    static func translatingDomainErrors(logger: Logger) -> @Sendable (any Error) -> RPCError? {
        { error in
            guard let mapped = RPCError(domainError: error) else { return nil }
            if let note = (error as? ConcertError)?.logNote {
                logger.debug("request refused", metadata: ["reason": "\(mapped.reason)", "note": "\(note)"])
            }
            return mapped
        }
    }

    /// The wire form of a domain failure, or nil when `error` is not one.
    ///
    /// The reason's name goes on the wire unchanged with the status code the protocol declares for it
    /// (`@code`); the domain's category was generated from the same declaration.
    init?(domainError error: any Error) {
        guard let error = error as? ConcertError else { return nil }
        let code = ErrorReason(name: error.reason.rawValue)?.statusCode ?? StatusCode(error.kind)
        self.init(code: code, reason: error.reason.rawValue, message: error.message)
    }
}

extension StatusCode {
    /// The status code for a category of domain failure.
    init(_ kind: ConcertError.Kind) {
        self =
            switch kind {
            case .invalidArgument: .invalidArgument
            case .notFound: .notFound
            case .alreadyExists: .alreadyExists
            case .permissionDenied: .permissionDenied
            case .failedPrecondition: .failedPrecondition
            case .resourceExhausted: .resourceExhausted
            case .unauthenticated: .unauthenticated
            case .unavailable: .unavailable
            case .aborted: .aborted
            case .internalError: .internal
            }
    }
}
