import ArgumentParser
import ConcertProtocol

/// `concert-probe list`: the services and methods the server offers.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the server's services and methods (SystemService.ListServices).",
        discussion: ProbeFailure.exitCodes)

    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let services = try await connection.withClient { client throws(ProbeFailure) in
            try await answer { () throws(RPCError) in try await client.listServices(ListServicesRequest()) }
        }
        for service in services.services {
            Console.line(service.name)
            for method in service.methods {
                let token = method.requiresToken ? "  [token]" : ""
                let stream = method.serverStreaming ? "stream " : ""
                Console.line("  \(method.name)(\(method.requestType)) returns (\(stream)\(method.responseType))\(token)")
            }
        }
    }
}
