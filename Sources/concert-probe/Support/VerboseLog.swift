import ConcertProtocol

/// What `call -v` prints on standard error: the method, metadata and request sent (`>` lines), then
/// the outcome and its time (`<` lines), as grpcurl's verbose mode does.
struct VerboseLog {
    /// Whether `-v` was given; when false nothing is printed.
    let enabled: Bool

    /// Prints the method path, each metadata entry and the request as compact JSON.
    func sent(_ method: ProtoMethod, metadata: [MetadataEntry], request: JSONValue) {
        guard enabled else { return }
        Console.error("> method \(method.path)\(method.serverStreaming ? " (server stream)" : "")")
        for entry in metadata { Console.error("> metadata \(entry.key): \(entry.value)") }
        if metadata.isEmpty { Console.error("> metadata (none)") }
        Console.error("> request \(request.compact)")
    }

    /// Prints `OK` and the time the call took, with the count of messages for a stream.
    func answered(after latency: Duration, messages: Int? = nil) {
        guard enabled else { return }
        let count = messages.map { ", \($0) message\($0 == 1 ? "" : "s")" } ?? ""
        Console.error("< status OK\(count) in \(latency.formattedMilliseconds)")
    }

    /// Prints the status code, reason and message the call failed with, and the time it took.
    func failed(_ error: RPCError, after latency: Duration) {
        guard enabled else { return }
        Console.error("< status \(error.code.name) reason \(error.reason) in \(latency.formattedMilliseconds): \(error.message)")
    }
}
