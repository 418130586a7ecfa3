import ConcertDomain
import Foundation

/// One IssueToken request whose arguments have been checked.
struct JoinRequest: Sendable {
    /// The fan.
    let userID: UUID
    /// The concert whose sale the fan joins.
    let concertID: Int64
}

extension Session {
    /// Write: the tokens `requests` ask for, in order, each answered as ``issueToken(userID:concertID:)``
    /// answers it alone: a fan's live token if it has one (also a fan asking twice in the batch), else a new
    /// one behind the fans before it in the batch, then admission from the head of the line.
    ///
    /// Runs on a ``BulkSQLDatabase``, where each sale in the batch costs a few statements however many fans
    /// join it: the sale, the fans' latest tokens, the places (or the pre-queue's count), the new tokens in one
    /// INSERT, the admission (and, when it admitted someone, the answers' tokens). A lone request runs the
    /// single form (fewer statements): what it throws fails the write job, whose savepoint the writer rolls
    /// back.
    func issueTokens(_ requests: [JoinRequest]) throws -> [Result<IssuedToken, any Error>] {
        if requests.count == 1, let request = requests.first {
            return [.success(try issueToken(userID: request.userID, concertID: request.concertID))]
        }
        var tokens: [Int: Result<String, any Error>] = [:]
        var records: [String: TokenRecord] = [:]
        let indicesBySale = Dictionary(grouping: requests.indices, by: { requests[$0].concertID })
        for (concertID, indices) in indicesBySale.sorted(by: { $0.key < $1.key }) {
            let joined = try join(concertID: concertID, users: indices.map { requests[$0].userID }, records: &records)
            tokens.merge(zip(indices, joined), uniquingKeysWith: { first, _ in first })
        }
        let unread = Set(tokens.values.compactMap { try? $0.get() }).filter { records[$0] == nil }
        records.merge(try tokenRecords(unread), uniquingKeysWith: { first, _ in first })
        return requests.indices.map { index in
            Result {
                guard let token = try tokens[index]?.get(), let record = records[token] else {
                    throw StorageError.inconsistency("the token issued to request \(index) of a batch vanished")
                }
                return IssuedToken(token: token, userID: requests[index].userID, status: try status(of: record))
            }
        }
    }

    /// Write: the tokens of `users` (in order) in the sale of `concertID`: their live ones, else new ones at
    /// the back of the line or in the pre-queue; then admits. A rule that refuses the sale (CONCERT_NOT_FOUND,
    /// SALE_NOT_OPEN, SALE_CLOSED) is every new fan's answer and writes nothing. When nobody was admitted,
    /// the new tokens' records go to `records` (their holders heard now), so they need not be read back.
    private func join(
        concertID: Int64, users: [UUID], records: inout [String: TokenRecord]
    ) throws -> [Result<String, any Error>] {
        let sale: SaleRecord
        do {
            sale = try saleRecord(concertID)
        } catch let error as ConcertError where error.reason == .concertNotFound {
            return users.map { _ in .failure(error) }
        }
        var tokens = try liveTokens(users: Array(Set(users)), sale: sale)
        var newFans: [(user: UUID, token: String)] = []
        for user in users where tokens[user] == nil {
            let token = AccessToken.generate()
            tokens[user] = token
            newFans.append((user, token))
        }
        var refusal: (any Error)?
        if !newFans.isEmpty {
            do {
                let inPreQueue = try joinsPreQueue(sale)
                let newTokens = newFans.map(\.token), newUsers = newFans.map(\.user)
                var joined: (tickets: [QueueTicket], sale: SaleRecord)?
                if inPreQueue {
                    joined = try joinPreQueue(tokens: newTokens, users: newUsers, concertID: concertID)
                }
                if joined == nil {
                    joined = try joinLine(tokens: newTokens, users: newUsers, sale: sale)
                }
                if let (tickets, sale) = joined, try admit(sale) == 0 {
                    for (fan, ticket) in zip(newFans, tickets) {
                        let record = TokenRecord(userID: fan.user, ticket: ticket, sale: sale)
                        heard(record, heardBy: presence.serverID)
                        records[fan.token] = record
                    }
                }
            } catch let error as ConcertError where error.reason == .saleNotOpen || error.reason == .saleClosed {
                refusal = error
                for fan in newFans {
                    tokens[fan.user] = nil
                }
            }
        }
        return users.map { user in
            tokens[user].map { .success($0) } ?? .failure(refusal ?? StorageError.inconsistency("no token for a fan"))
        }
    }

    /// Write: new PRE_QUEUE tokens `tokens` for `users`, each with a random shuffle key, their tickets and the
    /// sale as it is then; nil (nothing written) when the sale's pre-queue is already fixed.
    private func joinPreQueue(
        tokens: [String], users: [UUID], concertID: Int64
    ) throws -> (tickets: [QueueTicket], sale: SaleRecord)? {
        guard
            let sale = try db.first(
                """
                UPDATE sales SET pre_queued = pre_queued + ?2 WHERE concert_id = ?1 AND pre_queue_size IS NULL
                RETURNING concert_id, opens_ms, closes_ms, pre_queue_window_ms, max_active, admissions_per_interval,
                          admission_interval_ms, active_lifetime_ms, active_idle_ms, last_place, admitted_through,
                          pre_queued, pre_queue_size, pre_queue_placed, dropped, admission_paused_ms
                """, concertID, tokens.count, read: { SaleRecord(row: $0) })
        else { return nil }
        let seqs = try db.all(
            """
            INSERT INTO tokens (token, user_id, concert_id, issued_ms, shuffle_key, heard_by)
            SELECT token, user_id, ?4, ?5, shuffle_key, ?6
            FROM unnest(?1::text[], ?2::uuid[], ?3::bigint[]) AS n (token, user_id, shuffle_key)
            RETURNING token, seq
            """, SQLList.texts(tokens), SQLList.uuids(users),
            SQLList.integers(tokens.map { _ in Int64.random(in: 0...Int64.max) }), concertID, now, presence.serverID,
            read: { (token: $0.string(0), seq: $0.int64(1)) })
        return (try tickets(tokens: tokens, seqs: seqs, places: nil, concertID: concertID), sale)
    }

    /// Write: new tokens `tokens` for `users` at the back of the line of `sale` (read in this transaction),
    /// in order, behind the whole pre-queue, their tickets and the sale as it is then.
    private func joinLine(
        tokens: [String], users: [UUID], sale: SaleRecord
    ) throws -> (tickets: [QueueTicket], sale: SaleRecord) {
        let concertID = sale.sale.concertID
        if sale.preQueueSize == nil { try fixPreQueue(concertID: concertID) }
        guard
            let sale = try db.first(
                """
                UPDATE sales SET last_place = last_place + ?2 WHERE concert_id = ?1
                RETURNING concert_id, opens_ms, closes_ms, pre_queue_window_ms, max_active, admissions_per_interval,
                          admission_interval_ms, active_lifetime_ms, active_idle_ms, last_place, admitted_through,
                          pre_queued, pre_queue_size, pre_queue_placed, dropped, admission_paused_ms
                """, concertID, tokens.count, read: { SaleRecord(row: $0) })
        else { throw StorageError.inconsistency("sale \(concertID) vanished") }
        let last = sale.lastPlace
        let first = last - Int64(tokens.count) + 1
        let places = Array(first...last)
        let seqs = try db.all(
            """
            INSERT INTO tokens (token, user_id, concert_id, issued_ms, place, heard_by)
            SELECT token, user_id, ?4, ?5, place, ?6
            FROM unnest(?1::text[], ?2::uuid[], ?3::bigint[]) AS n (token, user_id, place)
            RETURNING token, seq
            """, SQLList.texts(tokens), SQLList.uuids(users), SQLList.integers(places), concertID, now,
            presence.serverID, read: { (token: $0.string(0), seq: $0.int64(1)) })
        return (try tickets(tokens: tokens, seqs: seqs, places: places, concertID: concertID), sale)
    }

    /// The tickets of the tokens `tokens` just inserted (in order, with `places` when they have places), from
    /// the seqs the INSERT returned.
    private func tickets(
        tokens: [String], seqs: [(token: String, seq: Int64)], places: [Int64]?, concertID: Int64
    ) throws -> [QueueTicket] {
        let seqByToken = Dictionary(seqs.map { ($0.token, $0.seq) }, uniquingKeysWith: { first, _ in first })
        return try tokens.enumerated().map { index, token in
            guard let seq = seqByToken[token] else { throw StorageError.inconsistency("token \(token) was not inserted") }
            return QueueTicket(
                seq: seq, concertID: concertID, place: places?[index], expiresAtMs: nil, isClosed: false,
                isAbandoned: false)
        }
    }
}
