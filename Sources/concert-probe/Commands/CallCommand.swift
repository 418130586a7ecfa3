import ArgumentParser
import ConcertClient
import ConcertProtocol

/// `concert-probe call METHOD -d JSON`: any method, the request and response as JSON,
/// converted generically through the protobuf-c descriptors.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a method with a JSON request and print the JSON response.",
        discussion: ProbeFailure.discussion(
            """
            METHOD is ReserveSeat, ReservationService/ReserveSeat or /concert.v1.ReservationService/ReserveSeat. \
            JSON fields are the .proto names (seat_number) or lowerCamelCase (seatNumber); enums by name; \
            64-bit integers as numbers or strings (printed as strings, proto3's JSON mapping); bytes as base64. \
            -d @FILE reads the request from a file, -d @- from standard input. Pass the queue token with \
            --token or -H queue-token=T; -H adds any metadata. -v prints the method, metadata and request sent \
            and the status, reason and time of the answer on standard error.

            A streaming method (WatchQueue) prints each message as one line of JSON as it arrives, until the \
            stream ends; interrupting the probe cancels the call on the server.

            Example: concert-probe call ReserveSeat --token T -d '{"concert_id": 1, "date": "2027-03-06", "seat_number": 7}'
            """))

    @OptionGroup var connection: ConnectionOptions

    @OptionGroup var metadata: MetadataOptions

    @Argument(help: "The method to call.")
    var method: String

    @Option(
        name: [.customShort("d"), .customLong("data")],
        help: "The request message as a JSON object, @FILE to read it from a file, or @- from standard input.")
    var data = "{}"

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Print what is sent and the answer's status and time on standard error.")
    var verbose = false

    func run() async throws {
        let method = try ProtoMethod.named(method)
        let json = try JSONValue.parse(try RequestText.read(data))
        let request = RawPayload(bytes: try JSONProtoEncoder(type: method.input).encode(json))
        let rpc = RPC<RawPayload, RawPayload>(
            service: method.service, method: method.name, requestType: method.input.name,
            responseType: method.output.name)
        let log = VerboseLog(enabled: verbose)
        let metadata = self.metadata
        try await connection.withClient { client throws(ProbeFailure) in
            let caller = metadata.caller(client)
            log.sent(method, metadata: metadata.sentMetadata(), request: json)
            let stopwatch = Stopwatch()
            do {
                if method.serverStreaming {
                    let count = try await Self.printStream(caller.stream(rpc, request), as: method.output)
                    log.answered(after: stopwatch.elapsed, messages: count)
                } else {
                    let response = try await caller.call(rpc, request, timeout: nil)
                    log.answered(after: stopwatch.elapsed)
                    Console.line(try ProtoJSONDecoder(type: method.output).decode(response.bytes).prettyPrinted)
                }
            } catch let error as ProbeFailure {
                throw error
            } catch let error as RPCError {
                log.failed(error, after: stopwatch.elapsed)
                throw ProbeFailure(error)
            } catch {
                throw .badInput("\(error)")
            }
        }
    }

    /// Prints each message of `stream` as one JSON line as it arrives; returns how many there were.
    private static func printStream(
        _ stream: AsyncThrowingStream<RawPayload, any Error>, as type: ProtoMessageType
    ) async throws -> Int {
        let decoder = ProtoJSONDecoder(type: type)
        var count = 0
        for try await message in stream {
            Console.line(try decoder.decode(message.bytes).compact)
            count += 1
        }
        return count
    }
}
