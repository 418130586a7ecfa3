import ConcertClient
import ConcertDomain
import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

/// `call`'s request sources, metadata and verbose output; `describe` of every kind of symbol; which
/// commands take `--token`; `--version`.
extension ProbeTests {
    /// A new fan's IssueToken request for concert 1, as JSON.
    private static func issueTokenJSON() -> String {
        #"{"user_id": "\#(UUID().uuidString.lowercased())", "concert_id": 1}"#
    }

    /// A fan with an ACTIVE token and the first date of concert 1 that has free seats.
    private static func activeFan(port: Int) async throws -> (token: String, date: String) {
        let client = try await ConcertClient.connect(port: port)
        let issued = try await client.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
        let date = try #require(try await client.listAvailableDates(concertID: 1).dates.first).date
        await client.close()
        return (issued.token, date)
    }

    @Test("call -d @FILE reads the request from a file")
    func callWithDataFromFile() async throws {
        try await withLiveServer { server in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("request-\(UUID().uuidString).json")
            try Data(Self.issueTokenJSON().utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let run = try await Self.probe(["call", "IssueToken", "-d", "@\(file.path)"], port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout.contains(#""token": ""#), "\(run.stdout)")
            let missing = try await Self.probe(["call", "IssueToken", "-d", "@/no/such/file.json"], port: server.port)
            #expect(missing.exitCode == 2)
            #expect(missing.stderr.contains("/no/such/file.json"))
        }
    }

    @Test("call ReserveSeat -d @- -H queue-token=T reads the request from standard input and sends the token as metadata")
    func callWithStandardInputAndHeader() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 100)) { server in
            let fan = try await Self.activeFan(port: server.port)
            let request = #"{"concert_id": 1, "date": "\#(fan.date)", "seat_number": 11}"#
            let without = try await ProbeProcess.run(
                ["call", "ReserveSeat", "-d", "@-", "--port", String(server.port)], input: request)
            #expect(without.exitCode == 3)
            #expect(without.stderr.hasPrefix("UNAUTHENTICATED TOKEN_MISSING"), "\(without.stderr)")

            let run = try await ProbeProcess.run(
                ["call", "ReserveSeat", "-d", "@-", "-H", "queue-token=\(fan.token)", "--port", String(server.port)],
                input: request)
            #expect(run.exitCode == 0, "\(run.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let reservation = try #require(json["reservation"] as? [String: Any])
            #expect(reservation["seat_number"] as? Int == 11)
            #expect(reservation["state"] as? String == "RESERVATION_STATE_HELD")
        }
    }

    @Test("call -v prints the method, metadata and request sent and the answer's status, reason and time on standard error")
    func callVerbose() async throws {
        try await withLiveServer { server in
            let fan = try await Self.activeFan(port: server.port)
            let ok = try await Self.probe(
                ["call", "GetBalance", "-v", "--token", fan.token, "-H", "x-trace=abc"], port: server.port)
            #expect(ok.exitCode == 0, "\(ok.stderr)")
            #expect(ok.stderr.contains("> method /concert.v1.PaymentService/GetBalance"), "\(ok.stderr)")
            #expect(ok.stderr.contains("> metadata queue-token: \(fan.token)"))
            #expect(ok.stderr.contains("> metadata x-trace: abc"))
            #expect(ok.stderr.contains("> request {}"))
            #expect(ok.stderr.range(of: #"< status OK in \d+\.\d\d ms"#, options: .regularExpression) != nil)
            #expect(ok.stdout.contains(#""balance""#))

            let failed = try await Self.probe(["call", "GetBalance", "-v"], port: server.port)
            #expect(failed.exitCode == 3)
            #expect(failed.stderr.contains("> metadata (none)"), "\(failed.stderr)")
            #expect(failed.stderr.contains("< status UNAUTHENTICATED reason TOKEN_MISSING in "), "\(failed.stderr)")

            let quiet = try await Self.probe(["call", "GetBalance", "--token", fan.token], port: server.port)
            #expect(quiet.exitCode == 0)
            #expect(quiet.stderr.isEmpty, "without -v nothing goes to standard error: \(quiet.stderr)")
        }
    }

    @Test("describe shows a service's methods")
    func describeService() async throws {
        for name in ["QueueService", "concert.v1.QueueService"] {
            let run = try await ProbeProcess.run(["describe", name])
            #expect(run.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout.hasPrefix("service concert.v1.QueueService\n"), "\(run.stdout)")
            #expect(run.stdout.contains(
                "rpc WatchQueue(concert.v1.WatchQueueRequest) returns (stream concert.v1.WatchQueueResponse)"))
            #expect(run.stdout.contains("rpc GetQueueStatus("))
            #expect(!run.stdout.contains("ReserveSeat"))
        }
    }

    @Test("describe shows a message's fields, including one only the envelope uses")
    func describeMessage() async throws {
        let seat = try await ProbeProcess.run(["describe", "Seat"])
        #expect(seat.exitCode == 0, "\(seat.stderr)")
        #expect(seat.stdout.hasPrefix("message concert.v1.Seat\n"), "\(seat.stdout)")
        #expect(seat.stdout.range(of: #"number\s+uint32\s+= \d+"#, options: .regularExpression) != nil, "\(seat.stdout)")
        let envelope = try await ProbeProcess.run(["describe", "concert.v1.MetadataEntry"])
        #expect(envelope.exitCode == 0, "\(envelope.stderr)")
        #expect(envelope.stdout.range(of: #"key\s+string\s+= 1"#, options: .regularExpression) != nil, "\(envelope.stdout)")
    }

    @Test("describe shows an enum's values, the reasons included")
    func describeEnum() async throws {
        let state = try await ProbeProcess.run(["describe", "TokenState"])
        #expect(state.exitCode == 0, "\(state.stderr)")
        #expect(state.stdout.hasPrefix("enum concert.v1.TokenState\n"), "\(state.stdout)")
        #expect(state.stdout.contains("  TOKEN_STATE_ACTIVE = "))
        let reasons = try await ProbeProcess.run(["describe", "ErrorReason"])
        #expect(reasons.exitCode == 0, "\(reasons.stderr)")
        #expect(reasons.stdout.contains("  ERROR_REASON_HOLD_LIMIT_REACHED = 46"), "\(reasons.stdout)")
        let unknown = try await ProbeProcess.run(["describe", "NoSuchThing"])
        #expect(unknown.exitCode == 2)
    }

    @Test("--token exists only on the commands that send it", arguments: [
        ["list"], ["describe", "ReserveSeat"], ["health"], ["ping"], ["bench"], ["journey"], ["queue"],
    ])
    func tokenRejected(command: [String]) async throws {
        try await withRefusingPort { port in
            let run = try await ProbeProcess.run(command + ["--token", "T", "--port", String(port)])
            #expect(run.exitCode == 2, "\(run.stderr)")
            #expect(run.stderr.contains("--token"), "\(run.stderr)")
        }
    }

    @Test("call and watch take --token and send it")
    func tokenAccepted() async throws {
        try await withLiveServer { server in
            let call = try await Self.probe(["call", "GetBalance", "--token", "not-a-token"], port: server.port)
            #expect(call.exitCode == 3)
            #expect(call.stderr.hasPrefix("UNAUTHENTICATED TOKEN_UNKNOWN"), "\(call.stderr)")
            let watch = try await Self.probe(["watch", "--token", "not-a-token"], port: server.port)
            #expect(watch.exitCode == 3, "\(watch.stderr)")
            #expect(watch.stderr.contains("TOKEN_UNKNOWN"), "\(watch.stderr)")
        }
    }

    @Test("--version prints the release")
    func version() async throws {
        let run = try await ProbeProcess.run(["--version"])
        #expect(run.exitCode == 0)
        #expect(run.stdout == "concert-probe \(ConcertVersion.current)\n")
    }
}
