extension Catalog {
    /// Seats 1–10 are VIP at 150,000; seats 11–50 cost 99,000 (KRW-like minor units).
    private static let demoSeatPrices: [Int64] = SeatPolicy.seatNumbers.map { $0 <= 10 ? 150_000 : 99_000 }

    private static func demoDate(_ date: String, at time: String) -> DateEntry {
        DateEntry(date: date, startsAt: "\(date)T\(time):00+09:00", seatPrices: demoSeatPrices)
    }

    /// A demonstration catalog: three concerts with three or four dates each in 2027. The first
    /// is on sale from loading, the second opens five minutes after loading (so its pre-queue can
    /// be seen at once), the third sold from two days to one day before loading and is closed.
    public static let demo = Catalog(concerts: [
        ConcertEntry(
            id: 1, title: "Midnight Aurora World Tour", artist: "Luna Park", venue: "KSPO Dome, Seoul",
            dates: [
                demoDate("2027-03-06", at: "19:00"), demoDate("2027-03-07", at: "18:00"),
                demoDate("2027-03-13", at: "19:00"), demoDate("2027-03-14", at: "18:00"),
            ]),
        ConcertEntry(
            id: 2, title: "Echoes of the Han", artist: "Seoul Philharmonic Ensemble", venue: "Lotte Concert Hall, Seoul",
            dates: [
                demoDate("2027-05-21", at: "20:00"), demoDate("2027-05-22", at: "20:00"),
                demoDate("2027-05-23", at: "17:00"),
            ], sale: SaleEntry(opensInSeconds: 300)),
        ConcertEntry(
            id: 3, title: "Neon Harbor Live", artist: "The Pacific Static", venue: "BEXCO Auditorium, Busan",
            dates: [
                demoDate("2027-08-14", at: "19:30"), demoDate("2027-08-15", at: "19:30"),
                demoDate("2027-08-21", at: "19:30"),
            ], sale: SaleEntry(opensInSeconds: -172_800, closesInSeconds: -86_400)),
    ])
}
