import ConcertDomain
import ConcertStore
import Foundation
import Testing

@Suite struct CatalogLoadingTests {
    private func entry(_ id: Int64, title: String, dates: [Catalog.DateEntry]) -> Catalog.ConcertEntry {
        Catalog.ConcertEntry(id: id, title: title, artist: "Artist \(id)", venue: "Hall", dates: dates)
    }

    private func date(_ day: String, price: Int64) -> Catalog.DateEntry {
        Catalog.DateEntry(date: day, startsAt: "\(day)T19:00:00+09:00", price: price)
    }

    @Test func demoSeedsOnceAndListsConcerts() async throws {
        try await withStore { store, _ in
            try await store.seedDemoCatalogIfEmpty()
            let concerts = try store.concerts()
            #expect(concerts.map(\.id) == [1, 2, 3])
            #expect(concerts[0].title == "Midnight Aurora World Tour" && concerts[0].artist == "Luna Park")
            #expect(concerts[0].venue == "KSPO Dome, Seoul")
            let now = StoreHarness.start
            #expect(concerts.map { $0.sale?.state(now: now) } == [.open, .preQueue, .closed])
            #expect(concerts[1].sale?.opensAtMs == now + 300_000)
            let dates = try store.availableDates(concertID: 1)
            #expect(dates.count == 4)
            #expect(dates[0] == ConcertDate(concertID: 1, date: "2027-03-06", startsAtMs: 1_804_327_200_000, freeSeats: 50))
            let seats = try store.seats(concertID: 1, date: Demo.date)
            #expect(seats.map(\.number) == Array(1...50))
            #expect(seats[9] == Seat(number: 10, price: 150_000, isFree: true))
            #expect(seats[10] == Seat(number: 11, price: 99_000, isFree: true))
        }
    }

    @Test func loadingAddsWhatIsMissingAndLeavesExistingRowsUntouched() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let store = try harness.open()
        defer { store.close() }
        try await store.loadCatalog(Catalog(concerts: [entry(10, title: "Original", dates: [date("2027-06-01", price: 1_000)])]))
        try await store.loadCatalog(Catalog(concerts: [
            entry(10, title: "Renamed", dates: [date("2027-06-01", price: 2_000), date("2027-06-02", price: 3_000)]),
            entry(11, title: "Second", dates: [date("2027-07-01", price: 4_000)]),
        ]))
        try await store.seedDemoCatalogIfEmpty()
        #expect(try store.concerts().map(\.title) == ["Original", "Second"])
        #expect(try store.availableDates(concertID: 10).map(\.date) == ["2027-06-01", "2027-06-02"])
        #expect(try store.seats(concertID: 10, date: "2027-06-01").allSatisfy { $0.price == 1_000 })
        #expect(try store.seats(concertID: 10, date: "2027-06-02").allSatisfy { $0.price == 3_000 })
        #expect(try store.seats(concertID: 11, date: "2027-07-01").count == 50)
    }

    @Test func anInvalidCatalogIsRefusedWhole() async throws {
        let harness = try StoreHarness()
        defer { harness.remove() }
        let store = try harness.open()
        defer { store.close() }
        let bad = Catalog(concerts: [
            entry(1, title: "Fine", dates: [date("2027-06-01", price: 1)]),
            entry(1, title: "Duplicate", dates: []),
        ])
        await expectReason(.invalidCatalog) { try await store.loadCatalog(bad) }
        #expect(try store.concerts() == [])
    }
}
