import ConcertClient
import ConcertDomain
import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

@Suite("concert-probe against a live server")
struct ProbeTests {
    static func probe(_ arguments: [String], port: Int) async throws -> ProbeRun {
        try await ProbeProcess.run(arguments + ["--port", String(port)])
    }

    @Test("list names every service and method")
    func list() async throws {
        try await withLiveServer { server in
            let run = try await Self.probe(["list"], port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout.contains("concert.v1.ReservationService"))
            #expect(run.stdout.contains("ReserveSeat(concert.v1.ReserveSeatRequest) returns (concert.v1.ReserveSeatResponse)"))
            #expect(run.stdout.contains("Pay(concert.v1.PayRequest)"))
        }
    }

    @Test("describe shows the request and response fields with types", arguments: [
        "ReserveSeat", "ReservationService/ReserveSeat", "/concert.v1.ReservationService/ReserveSeat",
    ])
    func describe(method: String) async throws {
        let run = try await ProbeProcess.run(["describe", method])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(run.stdout.contains("request concert.v1.ReserveSeatRequest"))
        #expect(run.stdout.range(of: #"seat_number\s+uint32\s+= 3"#, options: .regularExpression) != nil)
        #expect(run.stdout.contains("response concert.v1.ReserveSeatResponse"))
        #expect(run.stdout.range(of: #"state\s+concert.v1.ReservationState\s+= 6"#, options: .regularExpression) != nil)
    }

    @Test("call converts JSON to the request and the response to JSON")
    func callWithGoodJSON() async throws {
        try await withLiveServer { server in
            let user = UUID().uuidString.lowercased()
            let issued = try await Self.probe(["call", "IssueToken", "--data", #"{"user_id": "\#(user)", "concert_id": "1"}"#], port: server.port)
            #expect(issued.exitCode == 0, "\(issued.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(issued.stdout.utf8)) as? [String: Any])
            let token = try #require(json["token"] as? String)
            let status = try #require(json["status"] as? [String: Any])
            #expect(status["state"] as? String == "TOKEN_STATE_ACTIVE")
            let expiresAt = try #require(status["expires_at_unix_ms"] as? String, "int64 is a JSON string: \(issued.stdout)")
            #expect((Int64(expiresAt) ?? 0) > 0)

            let dates = try await Self.probe(
                ["call", "ReservationService/ListAvailableDates", "--token", token, "--data", #"{"concertId": "1"}"#],
                port: server.port)
            #expect(dates.exitCode == 0, "\(dates.stderr)")
            let datesJSON = try #require(try JSONSerialization.jsonObject(with: Data(dates.stdout.utf8)) as? [String: Any])
            #expect((datesJSON["dates"] as? [Any])?.isEmpty == false)
        }
    }

    @Test("call with bad JSON or an unknown field exits 2", arguments: [
        #"{"concert_id": 1,"#, #"{"no_such_field": 1}"#, #"{"seat_number": "seven"}"#, "[1, 2]",
    ])
    func callWithBadJSON(data: String) async throws {
        try await withLiveServer { server in
            let run = try await Self.probe(["call", "ReserveSeat", "--data", data], port: server.port)
            #expect(run.exitCode == 2)
            #expect(run.stderr.contains("error:"))
        }
    }

    @Test("call with a non-OK answer prints CODE REASON: message and exits 3")
    func callWithErrorStatus() async throws {
        try await withLiveServer { server in
            let run = try await Self.probe(["call", "GetBalance"], port: server.port)
            #expect(run.exitCode == 3)
            #expect(run.stderr.hasPrefix("UNAUTHENTICATED TOKEN_MISSING: "))
        }
    }

    @Test("a server that is not there exits 4 with a sentence, not the networking library's text")
    func connectionFailure() async throws {
        try await withRefusingPort { port in
            let run = try await ProbeProcess.run(["health", "--port", String(port)])
            #expect(run.exitCode == 4)
            #expect(
                run.stderr == "cannot connect to 127.0.0.1:\(port): connection refused — is concert-server running?\n",
                "\(run.stderr)")
            #expect(!run.stderr.contains("NIOConnectionError") && !run.stderr.contains("connectionRefused"))
        }
    }

    @Test("journey ends with a paid seat; piped, it writes no carriage returns and shows ISO 8601 times")
    func journey() async throws {
        try await withLiveServer { server in
            let run = try await Self.probe(["journey", "--concert", "1"], port: server.port)
            #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("paid: Midnight Aurora World Tour"))
            #expect(run.stdout.contains("balance: 0"))
            #expect(!run.stdout.contains("\r") && !run.stderr.contains("\r"))
            #expect(
                run.stdout.range(of: #"ACTIVE until \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"#, options: .regularExpression)
                    != nil, "\(run.stdout)")
        }
    }

    @Test("journey waits in the pre-queue of a sale that opens soon, gets a place at opening, and buys")
    func journeyThroughThePreQueue() async throws {
        let soon = Catalog.ConcertEntry(
            id: 50, title: "Opening Night", artist: "The Early Birds", venue: "Hall",
            dates: [Catalog.DateEntry(date: "2027-10-01", startsAt: "2027-10-01T19:00:00Z", price: 5_000)],
            // 20 s out: on a loaded machine the probe took over 5 s to reach IssueToken, after opening.
            sale: Catalog.SaleEntry(opensInSeconds: 20, preQueueSeconds: 600))
        try await withLiveServer(catalog: Catalog(concerts: [soon])) { server in
            let run = try await Self.probe(["journey", "--concert", "50"], port: server.port)
            #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("PRE_QUEUE"), "\(run.stdout)")
            #expect(run.stdout.contains("pre-queue: the sale opens at"), "\(run.stdout)")
            #expect(run.stdout.contains("paid: Opening Night"))
        }
    }

    @Test("bench releases its fans when it ends, so a journey after it does not wait behind them")
    func benchThenJourney() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 4)) { server in
            let bench = try await Self.probe(
                ["bench", "--connections", "2", "--in-flight", "4", "--duration", "1", "--warmup", "0", "--mix", "status=1"],
                port: server.port)
            #expect(bench.exitCode == 0, "\(bench.stdout)\n\(bench.stderr)")
            #expect(bench.stdout.contains("left the line"))
            let run = try await Self.probe(["journey", "--concert", "1"], port: server.port)
            #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(run.stdout.contains("ACTIVE"), "\(run.stdout)")
            #expect(!run.stdout.contains("waiting in line"), "\(run.stdout)")
        }
    }

    @Test("queue shows every sale's line")
    func queueCommand() async throws {
        try await withLiveServer { server in
            let run = try await Self.probe(["queue"], port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            #expect(run.stdout.contains("sale of concert 1: SALE_STATE_OPEN") || run.stdout.contains("sale of concert 1: OPEN"))
            #expect(run.stdout.contains("sale of concert 3"))
        }
    }

    @Test("journey waits in line on one updating line until admitted, then pays")
    func journeyWaitsInLine() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 1)) { server in
            let ahead = try await ConcertClient.connect(port: server.port)
            _ = try await ahead.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
            let user = UUID().uuidString.lowercased()
            #expect(try await ahead.caller(token: nil).issueToken(userID: user, concertID: 1).status?.state == .waiting)

            let probe = try RunningProbe(["journey", "--user", user, "--port", String(server.port)])
            let waited = try await probe.waitForOutput(containing: "waiting in line: position 1 (0 ahead)")
            let concert = try #require(try await ahead.listConcerts(ListConcertsRequest()).concerts.first)
            let date = try #require(try await ahead.listAvailableDates(concertID: concert.id).dates.last)
            let held = try #require(
                try await ahead.reserveSeat(concertID: concert.id, date: date.date, seatNumber: 50).reservation)
            _ = try await ahead.chargeBalance(amount: held.price, idempotencyKey: "")
            _ = try await ahead.pay(reservationID: held.id)
            let run = try await probe.finish()
            await ahead.close()

            #expect(waited, "\(run.stdout)")
            #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
            #expect(!run.stdout.contains("\r"), "piped, no line is rewritten in place")
            let lines = run.stdout.split(separator: "\n")
            #expect(
                lines.contains { $0.hasPrefix("   waiting in line: position 1 (0 ahead), ") },
                "each update is a line of its own: \(run.stdout)")
            #expect(lines.contains { $0.contains("WaitUntilActive") && !$0.contains("waiting in line") })
            #expect(run.stdout.contains("paid: "))
        }
    }

    @Test("watch prints each pushed status as a JSON line, without polling; interrupting it ends the watch on the server")
    func watch() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 1)) { server in
            let ahead = try await ConcertClient.connect(port: server.port)
            _ = try await ahead.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
            let probe = try RunningProbe(["watch", "--concert", "1", "--port", String(server.port)])
            let waiting = try await probe.waitForOutput(containing: "TOKEN_STATE_WAITING")
            let concert = try #require(try await ahead.listConcerts(ListConcertsRequest()).concerts.first)
            let date = try #require(try await ahead.listAvailableDates(concertID: concert.id).dates.last)
            let held = try #require(
                try await ahead.reserveSeat(concertID: concert.id, date: date.date, seatNumber: 49).reservation)
            _ = try await ahead.chargeBalance(amount: held.price, idempotencyKey: "")
            _ = try await ahead.pay(reservationID: held.id)
            let active = try await probe.waitForOutput(containing: "TOKEN_STATE_ACTIVE")
            #expect(server.application.watchingFans == 1)
            probe.interrupt()
            let run = try await probe.finish()
            await ahead.close()

            #expect(waiting && active, "\(run.stdout)\n\(run.stderr)")
            let lines = run.stdout.split(separator: "\n")
            #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) != nil }, "\(run.stdout)")
            for _ in 0..<1000 where server.application.watchingFans > 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.application.watchingFans == 0)
        }
    }

    @Test("a 2-second bench --json prints parseable results")
    func benchJSON() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 10_000)) { server in
            let run = try await Self.probe(
                ["bench", "--connections", "2", "--in-flight", "4", "--duration", "2", "--warmup", "0.5", "--json"],
                port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(json["scenario"] as? String == "mix")
            let total = try #require(json["total"] as? [String: Any])
            #expect((total["calls"] as? Int ?? 0) > 0)
            let methods = try #require(json["methods"] as? [String: Any])
            let status = try #require(methods["GetQueueStatus"] as? [String: Any])
            let latency = try #require(status["latency_us"] as? [String: Any])
            #expect(Set(latency.keys).isSuperset(of: ["p50", "p90", "p99", "p99_9"]))
        }
    }

    @Test("bench --scenario contention finds no seat held or sold twice")
    func benchContention() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 10_000)) { server in
            let run = try await Self.probe(
                ["bench", "--scenario", "contention", "--fans", "80", "--connections", "2", "--json"], port: server.port)
            #expect(run.exitCode == 0, "\(run.stdout)\n\(run.stderr)")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            #expect(json["ok"] as? Bool == true)
            #expect(json["seats_sold"] as? Int == 50)
            #expect(json["fans_paid"] as? Int == 50)
            #expect((json["violations"] as? [Any])?.isEmpty == true)
        }
    }
}
