import ArgumentParser
import ConcertClient
import ConcertProtocol
import Foundation

/// The operator credential every `admin` command and `top` send as `authorization: Bearer <credential>`:
/// the server's admin secret from `--admin-secret-file`, else a bearer credential (an operator JWT) from
/// `--bearer-token-file`, else the environment variable `CONCERT_ADMIN_TOKEN`.
struct AdminCredentialOptions: ParsableArguments {
    /// The environment variable holding a bearer credential when neither file is given.
    static let environmentVariable = "CONCERT_ADMIN_TOKEN"

    @Option(
        help: ArgumentHelp(
            "A file holding the server's admin secret (as given to concert-server --admin-secret-file); first choice.",
            valueName: "path"))
    var adminSecretFile: String?

    @Option(
        help: ArgumentHelp(
            "A file holding a bearer credential, such as an operator JWT; used without --admin-secret-file.",
            valueName: "path"))
    var bearerTokenFile: String?

    /// The credential, by precedence: `--admin-secret-file`, `--bearer-token-file`, `CONCERT_ADMIN_TOKEN`.
    /// A file's trailing newline is dropped. Bad input when none is given, a file cannot be read, or the
    /// credential is empty.
    func credential() throws(ProbeFailure) -> String {
        let credential: String
        if let path = adminSecretFile ?? bearerTokenFile {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .badInput("cannot read the credential file \(path)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw .badInput("the credential file \(path) is not UTF-8 text")
            }
            credential = text.hasSuffix("\n") || text.hasSuffix("\r\n") ? String(text.dropLast()) : text
        } else if let variable = ProcessInfo.processInfo.environment[Self.environmentVariable] {
            credential = variable
        } else {
            throw .badInput(
                "no operator credential: give --admin-secret-file or --bearer-token-file, or set \(Self.environmentVariable)")
        }
        guard !credential.isEmpty else { throw .badInput("the operator credential is empty") }
        return credential
    }

    /// The `authorization` metadata entry carrying `credential`.
    static func metadata(_ credential: String) -> MetadataEntry {
        MetadataEntry(key: MetadataKey.authorization, value: "Bearer \(credential)")
    }

    /// The credential's help paragraph, for the discussion of each command that sends it.
    static let discussion = """
        The operator credential is sent as "authorization: Bearer <credential>". It is read from \
        --admin-secret-file if given, else from --bearer-token-file, else from the environment variable \
        \(environmentVariable); a file's trailing newline is dropped. Without any of them the command fails \
        before connecting (exit 2).
        """
}

extension ConnectionOptions {
    /// Reads the operator credential (before connecting, so a missing one is reported first), connects,
    /// runs `body` with a caller sending it, and closes the client whatever happens.
    func withAdminCaller<T>(
        _ credentials: AdminCredentialOptions, _ body: (OptionsScopedCaller) async throws(ProbeFailure) -> T
    ) async throws(ProbeFailure) -> T {
        let credential = try credentials.credential()
        return try await withClient { client throws(ProbeFailure) in
            try await body(client.withOptions(CallOptions(metadata: [AdminCredentialOptions.metadata(credential)])))
        }
    }
}
