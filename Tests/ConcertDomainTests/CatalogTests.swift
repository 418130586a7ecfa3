import ConcertDomain
import Foundation
import Testing

@Suite struct CatalogTests {
    private func catalog(_ json: String) throws -> Catalog {
        try Catalog.decode(jsonData: Data(json.utf8))
    }

    private func invalid(_ json: String, mentions fragment: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try catalog(json)
            Issue.record("catalog was accepted", sourceLocation: sourceLocation)
        } catch let error as ConcertError {
            #expect(error.reason == .invalidCatalog, sourceLocation: sourceLocation)
            #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("unexpected \(error)", sourceLocation: sourceLocation)
        }
    }

    private func concert(id: Int = 1, dates: String) -> String {
        #"{"concerts":[{"id":\#(id),"title":"T","artist":"A","venue":"V","dates":[\#(dates)]}]}"#
    }

    @Test func decodesSinglePriceAndPerSeatPrices() throws {
        let prices = (1...50).map { String($0 * 1000) }.joined(separator: ",")
        let decoded = try catalog(
            concert(dates: #"{"date":"2027-01-02","startsAt":"2027-01-02T19:00:00+09:00","price":50000},"#
                + #"{"date":"2027-01-03","startsAt":"2027-01-03T10:00:00Z","seatPrices":[\#(prices)]}"#))
        let dates = decoded.concerts[0].dates
        #expect(dates[0].prices == Array(repeating: 50_000, count: 50))
        #expect(dates[1].prices.first == 1_000 && dates[1].prices.last == 50_000)
        #expect(dates[0].startsAtMs == 1_798_884_000_000)
        #expect(dates[1].startsAtMs == 1_798_970_400_000)
    }

    @Test func demoCatalogIsValidAndRoundTrips() throws {
        try Catalog.demo.validate()
        #expect(Catalog.demo.concerts.count == 3)
        for concert in Catalog.demo.concerts {
            #expect((3...4).contains(concert.dates.count))
            for date in concert.dates {
                #expect(date.date.hasPrefix("2027-"))
                #expect(date.prices.count == 50)
                #expect(date.prices[0] == 150_000 && date.prices[9] == 150_000 && date.prices[10] == 99_000)
            }
        }
        let json = try JSONEncoder().encode(Catalog.demo)
        #expect(try Catalog.decode(jsonData: json) == Catalog.demo)
    }

    @Test func rejectsEachKindOfMistakeWithAPreciseMessage() {
        let date = #"{"date":"2027-01-02","startsAt":"2027-01-02T19:00:00+09:00","price":1}"#
        invalid(#"{"concerts":[{"id":1}]}"#, mentions: "missing key")
        invalid("not json", mentions: "not valid JSON")
        invalid(concert(id: 0, dates: date), mentions: "id 0 must be greater than 0")
        let entry = #"{"id":1,"title":"T","artist":"A","venue":"V","dates":[\#(date)]}"#
        invalid(#"{"concerts":[\#(entry),\#(entry)]}"#, mentions: "concerts[1]: duplicate concert id 1")
        invalid(concert(dates: date + "," + date), mentions: "duplicate date 2027-01-02")
        invalid(concert(dates: date.replacingOccurrences(of: "\"2027-01-02\"", with: "\"2027-02-30\"")), mentions: "2027-02-30")
        invalid(concert(dates: date.replacingOccurrences(of: "T19:00:00+09:00", with: "")), mentions: "startsAt")
        invalid(concert(dates: date.replacingOccurrences(of: #""price":1"#, with: #""price":-1"#)), mentions: "price -1")
        invalid(concert(dates: date.replacingOccurrences(of: #","price":1"#, with: "")), mentions: "either price or seatPrices")
        invalid(
            concert(dates: date.replacingOccurrences(of: #""price":1"#, with: #""price":1,"seatPrices":[1]"#)),
            mentions: "not both")
        invalid(
            concert(dates: date.replacingOccurrences(of: #""price":1"#, with: #""seatPrices":[1,2,3]"#)),
            mentions: "seatPrices has 3 entries")
        let negative = (["-5"] + Array(repeating: "1", count: 49)).joined(separator: ",")
        invalid(
            concert(dates: date.replacingOccurrences(of: #""price":1"#, with: #""seatPrices":[\#(negative)]"#)),
            mentions: "seatPrices[0] is -5")
    }

    @Test func rejectsSaleSettingsOutOfRangeBeforeAnyArithmetic() {
        let date = #"{"date":"2027-01-02","startsAt":"2027-01-02T19:00:00+09:00","price":1}"#
        func sale(_ fields: String) -> String {
            #"{"concerts":[{"id":1,"title":"T","artist":"A","venue":"V","dates":[\#(date)],"sale":{\#(fields)}}]}"#
        }
        invalid(sale(#""activeSeconds":9223372036854775807"#), mentions: "activeSeconds must be positive and at most 30 days")
        invalid(sale(#""activeIdleSeconds":0"#), mentions: "activeIdleSeconds")
        invalid(sale(#""admissionIntervalMs":9223372036854775807"#), mentions: "admissionIntervalMs")
        invalid(sale(#""preQueueSeconds":9223372036854775807"#), mentions: "preQueueSeconds must be 0 to 30 days")
        invalid(sale(#""opensInSeconds":-9223372036854775807"#), mentions: "opensInSeconds must be within 100 years")
        invalid(sale(#""closesInSeconds":9223372036854775807"#), mentions: "closesInSeconds")
        invalid(sale(#""maxActive":9223372036854775807"#), mentions: "maxActive")
    }

    @Test func rejectsEmptyNames() {
        let entry = Catalog.ConcertEntry(id: 4, title: " ", artist: "A", venue: "V", dates: [])
        #expect(throws: ConcertError(.invalidCatalog, "concerts[0]: title must not be empty.")) {
            try Catalog(concerts: [entry]).validate()
        }
    }
}
