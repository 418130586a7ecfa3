import ArgumentParser
import ConcertProtocol

/// Why the probe stops unsuccessfully, and the exit code each reason maps to.
enum ProbeFailure: Error, CustomStringConvertible {
    /// The outcome was checked and found wrong (a journey that did not pay, a seat sold twice).
    case checkFailed(String)
    /// The input is unusable: bad JSON, an unknown field or method, a bad option value.
    case badInput(String)
    /// The server answered with a status other than OK (or the call timed out).
    case status(RPCError)
    /// The server could not be reached, or the connection dropped.
    case connection(RPCError)

    /// Exit code 1: a check failed.
    static let checkFailedCode: Int32 = 1
    /// Exit code 2: bad input.
    static let badInputCode: Int32 = 2
    /// Exit code 3: a non-OK status.
    static let statusCode: Int32 = 3
    /// Exit code 4: no connection.
    static let connectionCode: Int32 = 4

    /// The failure for a call's error: connection trouble or a status.
    init(_ error: RPCError) {
        switch error.knownReason {
        case .connectionFailed, .connectionClosed: self = .connection(error)
        default: self = .status(error)
        }
    }

    /// The process exit code.
    var exitCode: ExitCode {
        switch self {
        case .checkFailed: ExitCode(Self.checkFailedCode)
        case .badInput: ExitCode(Self.badInputCode)
        case .status: ExitCode(Self.statusCode)
        case .connection: ExitCode(Self.connectionCode)
        }
    }

    /// The line printed on standard error: `CODE REASON: message` for a status, a sentence for a server
    /// that could not be reached.
    var description: String {
        switch self {
        case .checkFailed(let message): "check failed: \(message)"
        case .badInput(let message): "error: \(message)"
        case .connection(let error) where error.knownReason == .connectionFailed: UnreachableServer.message(for: error)
        case .status(let error), .connection(let error): error.description
        }
    }

    /// `text` followed by the exit codes, for a command's `--help`.
    static func discussion(_ text: String) -> String {
        text + "\n\n" + exitCodes
    }

    /// The exit codes, for `--help`.
    static let exitCodes = """
        Exit codes:
          0  success
          1  a check failed (journey not paid, seat held or sold twice)
          2  bad input (options, JSON, unknown method or field)
          3  the server answered a status other than OK (CODE REASON: message)
          4  the server could not be reached or the connection dropped
        """
}
