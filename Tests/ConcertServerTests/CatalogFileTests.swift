import ConcertDomain
import ConcertRPC
import ConcertServer
import ConcertStore
import ConcertTesting
import Foundation
import Logging
import Testing

/// The operator's catalog file loads at start-up without code, a bad one stops the server, and SIGHUP
/// serves what was added to it.
@Suite("Catalog file")
struct CatalogFileTests {
    static let sample = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("tools/sample-catalog.json")

    @Test("tools/sample-catalog.json loads, and then the demo catalog is not added")
    func sampleLoads() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = ServerConfiguration(
            transport: TransportConfiguration(port: 0),
            store: StoreConfiguration(database: folder.appendingPathComponent("c.db").path),
            catalogPath: Self.sample.path)
        let application = try await ConcertApplication.start(configuration: configuration, logger: Logger(label: "test"))
        let concerts = try application.store.concerts()
        let seats = try application.store.seats(concertID: 100, date: "2027-12-25")
        await application.shutdown()
        #expect(concerts.map(\.id).contains(100))
        #expect(concerts.count == 1)
        #expect(seats.first?.price == 200_000)
        #expect(seats.last?.price == 66_000)
    }

    @Test("a malformed catalog file stops start-up with INVALID_CATALOG")
    func badCatalog() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.json")
        try Data(#"{"concerts":[{"id":1,"title":"x","artist":"y","venue":"z","dates":[{"date":"2027-02-30","startsAt":"2027-02-30T19:00:00Z","price":1}]}]}"#.utf8).write(to: file)
        let configuration = ServerConfiguration(
            transport: TransportConfiguration(port: 0),
            store: StoreConfiguration(database: folder.appendingPathComponent("c.db").path),
            catalogPath: file.path)
        await #expect(throws: ConcertError.self) {
            _ = try await ConcertApplication.start(configuration: configuration, logger: Logger(label: "test"))
        }
    }

    @Test("SIGHUP makes a running concert-server serve what the catalog file added, and logs it")
    func reloadOnHangup() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("catalog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("catalog.json")
        func concert(_ id: Int64) -> Catalog.ConcertEntry {
            Catalog.ConcertEntry(
                id: id, title: "Concert \(id)", artist: "A", venue: "V",
                dates: [Catalog.DateEntry(date: "2027-06-01", startsAt: "2027-06-01T19:00:00Z", price: 10)])
        }
        try JSONEncoder().encode(Catalog(concerts: [concert(1)])).write(to: file)
        let server = try await ServerProcess(
            database: folder.appendingPathComponent("c.db").path, arguments: ["--catalog", file.path], logLevel: "notice")
        #expect(try await WireCaller(port: server.port).listConcerts().concerts.map(\.id) == [1])
        try JSONEncoder().encode(Catalog(concerts: [concert(1), concert(2)])).write(to: file)
        kill(server.pid, SIGHUP)
        var served: [Int64] = []
        for _ in 0..<250 where served != [1, 2] {
            try await Task.sleep(for: .milliseconds(20))
            served = try await WireCaller(port: server.port).listConcerts().concerts.map(\.id)
        }
        #expect(served == [1, 2])
        #expect(server.isRunning)
        #expect(server.log.contains("catalog reloaded"), "\(server.log)")
        #expect(await server.stop() == 0)
    }
}
