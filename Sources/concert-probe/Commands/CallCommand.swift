import ArgumentParser
import ConcertProtocol

/// `concert-probe call METHOD --data JSON`: any method, the request and response as JSON,
/// converted generically through the protobuf-c descriptors.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Call a method with a JSON request and print the JSON response.",
        discussion: ProbeFailure.discussion(
            """
            METHOD is ReserveSeat, ReservationService/ReserveSeat or /concert.v1.ReservationService/ReserveSeat. \
            JSON fields are the .proto names (seat_number) or lowerCamelCase (seatNumber); enums by name; \
            64-bit integers as numbers or strings; bytes as base64. Pass the queue token with --token.

            A streaming method (WatchQueue) prints each message as one line of JSON as it arrives, until the \
            stream ends; interrupting the probe cancels the call on the server.

            Example: concert-probe call ReserveSeat --token T --data '{"concert_id": 1, "date": "2027-03-06", "seat_number": 7}'
            """))

    @OptionGroup var connection: ConnectionOptions

    @Argument(help: "The method to call.")
    var method: String

    @Option(help: "The request message as a JSON object.")
    var data = "{}"

    func run() async throws {
        let method = try ProtoMethod.named(method)
        let request = try JSONProtoEncoder(type: method.input).encode(try JSONValue.parse(data))
        let rpc = RPC<RawPayload, RawPayload>(
            service: method.service, method: method.name, requestType: method.input.name,
            responseType: method.output.name)
        let decoder = ProtoJSONDecoder(type: method.output)
        guard method.serverStreaming else {
            let response = try await connection.withClient { client throws(ProbeFailure) in
                try await answer { () throws(RPCError) in try await client.call(rpc, RawPayload(bytes: request), timeout: nil) }
            }
            Console.line(try decoder.decode(response.bytes).prettyPrinted)
            return
        }
        try await connection.withClient { client throws(ProbeFailure) in
            do {
                for try await message in client.stream(rpc, RawPayload(bytes: request)) {
                    Console.line(try decoder.decode(message.bytes).compact)
                }
            } catch let error as ProbeFailure {
                throw error
            } catch let error as RPCError {
                throw ProbeFailure(error)
            } catch {
                throw .badInput("\(error)")
            }
        }
    }
}
