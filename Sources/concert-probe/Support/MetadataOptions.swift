import ArgumentParser
import Foundation
import ConcertClient
import ConcertProtocol

/// The options of the commands that send a fan's metadata: the queue token and any `-H key=value` entries.
struct MetadataOptions: ParsableArguments {
    @Option(help: "A queue token to send as queue-token metadata.")
    var token: String?

    @Option(
        name: [.customShort("H"), .customLong("header")],
        help: ArgumentHelp(
            "Metadata to send, key=value; repeatable. A queue-token or authorization entry replaces --token.",
            valueName: "key=value"))
    var headers: [MetadataHeader] = []

    /// The `-H` entries as metadata, in the order given.
    var metadata: [MetadataEntry] { headers.map(\.entry) }

    /// The queue token the calls carry: the last `-H queue-token=…`, else `--token`.
    var effectiveToken: String? {
        metadata.last { $0.key == MetadataKey.queueToken }?.value ?? token
    }

    /// A caller over `client` sending `token` (by default `--token`) and the `-H` metadata.
    func caller(_ client: ConcertClient, token: String? = nil) -> TokenScopedCaller {
        client.caller(token: token ?? self.token, options: CallOptions(metadata: metadata))
    }

    /// Every metadata entry a call carries, as sent: the token, then the `-H` entries replacing it by key.
    func sentMetadata(token: String? = nil) -> [MetadataEntry] {
        let base = (token ?? self.token).map { [MetadataEntry(key: MetadataKey.queueToken, value: $0)] } ?? []
        let replaced = Set(metadata.map(\.key))
        return base.filter { !replaced.contains($0.key) } + metadata
    }
}

/// One `-H key=value` argument.
struct MetadataHeader: ExpressibleByArgument {
    /// The metadata entry it names.
    let entry: MetadataEntry

    /// Parses `key=value` (or `key: value`, as curl and grpcurl write it); the key is lower-cased.
    init?(argument: String) {
        guard let separator = argument.firstIndex(where: { $0 == "=" || $0 == ":" }) else { return nil }
        let key = argument[..<separator].trimmingCharacters(in: .whitespaces).lowercased()
        let value = argument[argument.index(after: separator)...].trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty else { return nil }
        entry = MetadataEntry(key: key, value: value)
    }
}
