import ConcertStore
import Foundation

/// The advisory locks a batch of write jobs takes on PostgreSQL before its first job runs, from the jobs'
/// scopes (``WriteScope``): every batch takes the writer lock (``everything``), shared, then one exclusive
/// lock per part its jobs may change, in ascending key order; a batch holding a job that may change
/// anything takes the writer lock exclusively and nothing else. Every writer of every server takes its locks
/// this way, all before its first change, so two batches wait for each other only where their parts meet,
/// and never in a cycle.
///
/// A part's key is a 64-bit FNV-1a hash of its name (`sale:7`, `user:…`, `seat:7:2026-12-24:12`), the same
/// in every process; two parts whose keys collide only take turns. Token and reservation parts are looked up
/// first (one statement each for the whole batch): a token's sale and user and a reservation's seat never
/// change, so reading them without a lock is safe.
enum WriterLocks {
    /// The key of the writer lock. Servers that take only this lock, exclusively, for every batch (as all did
    /// before write scopes) still take turns correctly with those that take scoped locks.
    static let everything: Int64 = 0x636F_6E63_6572_7401

    /// Takes the locks of a batch whose jobs declared `scopes`, in the transaction open on `connection`.
    static func take(for scopes: [WriteScope], on connection: BlockingPostgresConnection) throws {
        guard let keys = try keys(for: scopes, on: connection) else {
            try connection.run("SELECT pg_advisory_xact_lock(\(everything))")
            return
        }
        connection.send("SELECT pg_advisory_xact_lock_shared(\(everything))")
        guard !keys.isEmpty else { return try connection.confirmSent() }
        _ = try connection.all(
            "SELECT count(pg_advisory_xact_lock(k)) FROM unnest(?1::bigint[]) AS k", SQLList.integers(keys),
            read: { $0.int64(0) })
        try connection.confirmSent()
    }

    /// The sorted keys of every part of `scopes`, or nil when one of them is everything.
    static func keys(for scopes: [WriteScope], on connection: BlockingPostgresConnection) throws -> [Int64]? {
        var names: Set<String> = []
        var tokenSales: Set<String> = []
        var tokenUsers: Set<String> = []
        var reservations: Set<Int64> = []
        for scope in scopes {
            guard let parts = scope.parts else { return nil }
            for part in parts {
                switch part {
                case .sale(let concertID): names.insert(saleName(concertID))
                case .user(let userID): names.insert(userName(userID))
                case .seat(let concertID, let date, let number): names.insert(seatName(concertID, date, number))
                case .tokenSale(let token): tokenSales.insert(token)
                case .tokenUser(let token): tokenUsers.insert(token)
                case .reservationSeat(let id): reservations.insert(id)
                }
            }
        }
        if !tokenSales.isEmpty || !tokenUsers.isEmpty {
            let tokens = tokenSales.union(tokenUsers)
            let rows = try connection.all(
                "SELECT token, user_id, concert_id FROM tokens WHERE token = ANY(?1)", SQLList.texts(Array(tokens))
            ) { row in (token: row.string(0), userID: try row.uuid(1), concertID: row.int64(2)) }
            for row in rows {
                if tokenSales.contains(row.token) { names.insert(saleName(row.concertID)) }
                if tokenUsers.contains(row.token) { names.insert(userName(row.userID)) }
            }
        }
        if !reservations.isEmpty {
            let rows = try connection.all(
                "SELECT concert_id, date, seat_number FROM reservations WHERE id = ANY(?1)",
                SQLList.integers(Array(reservations))
            ) { row in (concertID: row.int64(0), date: row.string(1), number: row.int(2)) }
            for row in rows {
                names.insert(seatName(row.concertID, row.date, row.number))
            }
        }
        return Set(names.map(key)).sorted()
    }

    private static func saleName(_ concertID: Int64) -> String { "sale:\(concertID)" }
    private static func userName(_ userID: UUID) -> String { "user:\(userID.uuidString.lowercased())" }
    private static func seatName(_ concertID: Int64, _ date: String, _ number: Int) -> String {
        "seat:\(concertID):\(date):\(number)"
    }

    /// The 64-bit FNV-1a hash of `name`, never the writer lock's key.
    static func key(_ name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        let key = Int64(bitPattern: hash)
        return key == everything ? key ^ 1 : key
    }
}
