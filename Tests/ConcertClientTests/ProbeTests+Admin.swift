import ConcertClient
import ConcertDomain
import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

/// `admin` (AdminService with an operator credential) and `top`, run piped: each answer one line of JSON,
/// each refresh of `top` a table.
extension ProbeTests {
    /// The admin secret of the servers these tests start.
    private static let adminSecret = "probe-admin-secret"

    /// Runs `body` with a server whose AdminService takes ``adminSecret`` (demo catalog unless `catalog`) and
    /// a file holding the secret followed by a newline, as an operator writes it.
    private static func withAdminServer(
        catalog: Catalog? = nil, _ body: (LiveServer, _ secretFile: String) async throws -> Void
    ) async throws {
        let server = try await LiveServer.start(catalog: catalog, adminSecret: adminSecret)
        let secretFile = server.directory.appendingPathComponent("admin-secret")
        do {
            try Data((adminSecret + "\n").utf8).write(to: secretFile)
            try await body(server, secretFile.path)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// Each line of `output` as a JSON object.
    private static func jsonLines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)")
        }
    }

    /// The ids of the concerts that have a sale, in the catalog's order.
    private static func saleConcerts(port: Int) async throws -> [Int64] {
        let client = try await ConcertClient.connect(port: port)
        let concerts = try await client.listConcerts(ListConcertsRequest()).concerts
        await client.close()
        return concerts.filter { $0.sale != nil }.map(\.id)
    }

    @Test("admin sale show prints one sale's figures, or every sale's, as JSON lines")
    func adminSaleShow() async throws {
        try await Self.withAdminServer { server, secret in
            let one = try await Self.probe(
                ["admin", "sale", "show", "--concert", "1", "--admin-secret-file", secret], port: server.port)
            #expect(one.exitCode == 0, "\(one.stderr)")
            let stats = try #require(try Self.jsonLines(one.stdout).first)
            let sale = try #require(stats["sale"] as? [String: Any], "\(one.stdout)")
            #expect(sale["concert_id"] as? String == "1")
            #expect(sale["admission_paused"] as? Bool == false)
            #expect(stats["waiting"] != nil && stats["time_to_empty_known"] != nil, "\(one.stdout)")

            let every = try await Self.probe(["admin", "sale", "show", "--admin-secret-file", secret], port: server.port)
            #expect(every.exitCode == 0, "\(every.stderr)")
            let shown = try Self.jsonLines(every.stdout).map { ($0["sale"] as? [String: Any])?["concert_id"] as? String }
            let expected = try await Self.saleConcerts(port: server.port).map(String.init)
            #expect(expected.count > 1)
            #expect(shown == expected, "\(every.stdout)")
        }
    }

    @Test("admin sale set --max-active sends that setting alone, and admin changes lists the change")
    func adminSaleSet() async throws {
        try await Self.withAdminServer { server, secret in
            let before = try await Self.probe(
                ["admin", "sale", "show", "--concert", "1", "--admin-secret-file", secret], port: server.port)
            let saleBefore = try #require(try Self.jsonLines(before.stdout).first?["sale"] as? [String: Any])

            let set = try await Self.probe(
                ["admin", "sale", "set", "--concert", "1", "--max-active", "7", "--admin-secret-file", secret],
                port: server.port)
            #expect(set.exitCode == 0, "\(set.stderr)")
            let answer = try #require(try Self.jsonLines(set.stdout).first)
            let sale = try #require(answer["sale"] as? [String: Any], "\(set.stdout)")
            #expect(sale["max_active"] as? Int == 7)
            for kept in ["admissions_per_interval", "admission_interval_ms", "active_lifetime_ms", "closes_at_unix_ms"] {
                #expect("\(sale[kept] ?? "")" == "\(saleBefore[kept] ?? "")", "\(kept) changed: \(set.stdout)")
            }
            let changed = (answer["changes"] as? [[String: Any]])?.map { $0["what"] as? String }
            #expect(changed == ["max_active"], "\(set.stdout)")

            let changes = try await Self.probe(
                ["admin", "changes", "--concert", "1", "--limit", "5", "--admin-secret-file", secret], port: server.port)
            #expect(changes.exitCode == 0, "\(changes.stderr)")
            let newest = try #require(try Self.jsonLines(changes.stdout).first, "\(changes.stdout)")
            #expect(newest["what"] as? String == "max_active")
            #expect(newest["new_value"] as? String == "7")
            #expect(newest["made_by"] as? String == "admin-secret")
        }
    }

    @Test("admin sale set with no setting, or a bad time, is bad input")
    func adminSaleSetBadInput() async throws {
        try await Self.withAdminServer { server, secret in
            let nothing = try await Self.probe(
                ["admin", "sale", "set", "--concert", "1", "--admin-secret-file", secret], port: server.port)
            #expect(nothing.exitCode == 2)
            #expect(nothing.stderr.contains("at least one setting"), "\(nothing.stderr)")
            let badTime = try await Self.probe(
                ["admin", "sale", "set", "--concert", "1", "--closes-at", "tomorrow", "--admin-secret-file", secret],
                port: server.port)
            #expect(badTime.exitCode == 2, "\(badTime.stderr)")
        }
    }

    @Test("admin sale pause stops admission, resume starts it again, as sale show reports")
    func adminPauseResume() async throws {
        try await Self.withAdminServer { server, secret in
            let pause = try await Self.probe(
                ["admin", "sale", "pause", "--concert", "1", "--admin-secret-file", secret], port: server.port)
            #expect(pause.exitCode == 0, "\(pause.stderr)")
            #expect((try Self.jsonLines(pause.stdout).first?["sale"] as? [String: Any])?["admission_paused"] as? Bool == true)
            let shown = try await Self.probe(
                ["admin", "sale", "show", "--concert", "1", "--admin-secret-file", secret], port: server.port)
            #expect((try Self.jsonLines(shown.stdout).first?["sale"] as? [String: Any])?["admission_paused"] as? Bool == true)

            let resume = try await Self.probe(
                ["admin", "sale", "resume", "--concert", "1", "--admin-secret-file", secret], port: server.port)
            #expect(resume.exitCode == 0, "\(resume.stderr)")
            #expect((try Self.jsonLines(resume.stdout).first?["sale"] as? [String: Any])?["admission_paused"] as? Bool == false)
        }
    }

    @Test("admin revoke ends a token named by itself or by user and concert; a second revoke changes nothing")
    func adminRevoke() async throws {
        try await Self.withAdminServer { server, secret in
            let client = try await ConcertClient.connect(port: server.port)
            let fan = client.caller(token: nil)
            let token = try await fan.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1).token
            let user = UUID().uuidString.lowercased()
            _ = try await fan.issueToken(userID: user, concertID: 1)
            await client.close()

            let byToken = try await Self.probe(
                ["admin", "revoke", "--token", token, "--reason", "test", "--admin-secret-file", secret], port: server.port)
            #expect(byToken.exitCode == 0, "\(byToken.stderr)")
            #expect(try Self.jsonLines(byToken.stdout).first?["revoked"] as? Bool == true, "\(byToken.stdout)")
            let again = try await Self.probe(
                ["admin", "revoke", "--token", token, "--admin-secret-file", secret], port: server.port)
            #expect(again.exitCode == 0, "\(again.stderr)")
            #expect(try Self.jsonLines(again.stdout).first?["revoked"] as? Bool == false, "\(again.stdout)")

            let byUser = try await Self.probe(
                ["admin", "revoke", "--user", user, "--concert", "1", "--admin-secret-file", secret], port: server.port)
            #expect(byUser.exitCode == 0, "\(byUser.stderr)")
            #expect(try Self.jsonLines(byUser.stdout).first?["revoked"] as? Bool == true, "\(byUser.stdout)")

            let neither = try await Self.probe(["admin", "revoke", "--user", user, "--admin-secret-file", secret], port: server.port)
            #expect(neither.exitCode == 2, "\(neither.stderr)")
        }
    }

    @Test("admin reload serves the concerts added to the catalog file; the secret works as a bearer token file")
    func adminReload() async throws {
        let first = Catalog(concerts: [
            .init(
                id: 1, title: "First", artist: "A", venue: "V",
                dates: [.init(date: "2027-03-06", startsAt: "2027-03-06T19:00:00+09:00", price: 100)],
                sale: .init(maxActive: 1))
        ])
        try await Self.withAdminServer(catalog: first) { server, secret in
            var grown = first
            grown.concerts.append(
                .init(
                    id: 7, title: "Added", artist: "B", venue: "W",
                    dates: [.init(date: "2027-04-01", startsAt: "2027-04-01T19:00:00+09:00", price: 5)]))
            try JSONEncoder().encode(grown).write(to: server.directory.appendingPathComponent("catalog.json"))
            let run = try await Self.probe(["admin", "reload", "--bearer-token-file", secret], port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            let answer = try #require(try Self.jsonLines(run.stdout).first)
            #expect(answer["concerts_added"] as? [String] == ["7"], "\(run.stdout)")
            #expect(answer["dates_added"] as? Int == 1, "\(run.stdout)")
        }
    }

    @Test("admin without a credential is bad input before connecting; a wrong credential is refused by the server")
    func adminCredentials() async throws {
        try await withRefusingPort { port in
            let missing = try await ProbeProcess.run(["admin", "reload", "--port", String(port)])
            #expect(missing.exitCode == 2, "a missing credential is reported before connecting: \(missing.stderr)")
            #expect(missing.stderr.hasPrefix("error: no operator credential"), "\(missing.stderr)")
            let unreadable = try await ProbeProcess.run(
                ["admin", "reload", "--admin-secret-file", "/no/such/secret", "--port", String(port)])
            #expect(unreadable.exitCode == 2)
            #expect(unreadable.stderr.contains("/no/such/secret"), "\(unreadable.stderr)")
        }
        try await Self.withAdminServer { server, _ in
            let wrongFile = server.directory.appendingPathComponent("wrong-secret")
            try Data("not-the-secret\n".utf8).write(to: wrongFile)
            let wrong = try await Self.probe(
                ["admin", "sale", "show", "--admin-secret-file", wrongFile.path], port: server.port)
            #expect(wrong.exitCode == 3)
            #expect(wrong.stderr.hasPrefix("UNAUTHENTICATED OPERATOR_CREDENTIAL_INVALID"), "\(wrong.stderr)")
        }
    }

    @Test("top --count 2, piped, prints two tables, each with a row for every sale")
    func topPiped() async throws {
        try await Self.withAdminServer { server, secret in
            let run = try await Self.probe(
                ["top", "--count", "2", "--interval", "0.2", "--admin-secret-file", secret], port: server.port)
            #expect(run.exitCode == 0, "\(run.stderr)")
            #expect(!run.stdout.contains("\u{1B}"), "piped, no screen is cleared")
            let tables = run.stdout.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(tables.count == 2, "\(run.stdout)")
            let concerts = try await Self.saleConcerts(port: server.port)
            for table in tables {
                let lines = table.split(separator: "\n")
                #expect(lines.first?.hasSuffix(": \(concerts.count) sales") == true, "\(table)")
                #expect(lines.dropFirst().first?.hasPrefix("CONCERT") == true, "\(table)")
                let rows = lines.dropFirst(2).map { $0.split(separator: " ").first.map(String.init) }
                #expect(rows == concerts.map(String.init), "\(table)")
                #expect(lines.dropFirst(2).allSatisfy { $0.contains("OPEN") || $0.contains("PRE_QUEUE") || $0.contains("UPCOMING") || $0.contains("CLOSED") })
            }
        }
    }
}
