import ConcertDomain
import Foundation

/// One ChargeBalance request whose arguments have been checked.
struct ChargeRequest: Sendable {
    /// The caller's queue token.
    let token: String
    /// The amount to add.
    let amount: Int64
    /// The idempotency key, if any.
    let idempotencyKey: String?
}

extension Session {
    /// Write: the charges `requests`, in order, each answered as ``charge(token:amount:idempotencyKey:)``
    /// answers it alone (same checks, in the same order, through ``chargeReplay(holder:amount:earlier:)``).
    ///
    /// Runs on a ``BulkSQLDatabase``, where the whole batch costs seven statements: the tokens, the earlier
    /// charges under the batch's keys, the accounts (created on first use, then locked in user order), fresh
    /// charge ids, the new balances and the charges. A request refused by a rule writes nothing; what a
    /// statement throws fails the batch. A lone request runs the single form (fewer statements): what it
    /// throws fails the write job, whose savepoint the writer rolls back.
    func charges(_ requests: [ChargeRequest]) throws -> [Result<ChargeReceipt, any Error>] {
        if requests.count == 1, let request = requests.first {
            return [.success(try charge(token: request.token, amount: request.amount, idempotencyKey: request.idempotencyKey))]
        }
        let holders = try tokenRecords(Set(requests.map(\.token)))
        let users = Set(holders.values.map(\.userID)).sorted { $0.uuidString < $1.uuidString }
        var balances = try lockedBalances(users)
        var earlier = try earlierCharges(requests.compactMap { request in
            guard let key = request.idempotencyKey, let holder = holders[request.token] else { return nil }
            return ChargeKey(userID: holder.userID, idempotencyKey: key)
        })
        var planned: [PlannedCharge] = []
        let decisions = requests.map { request in
            Result { () throws -> ChargeAnswer in
                guard let holder = holders[request.token] else { throw ConcertError(.tokenUnknown) }
                let key = request.idempotencyKey.map { ChargeKey(userID: holder.userID, idempotencyKey: $0) }
                let before = key.flatMap { earlier[$0] }
                let beforeReceipt = before.map { answer in answer.receipt(planned: planned, ids: nil) }
                if try chargeReplay(holder: holder, amount: request.amount, earlier: beforeReceipt) != nil, let before {
                    return before.replayed
                }
                let balance = balances[holder.userID] ?? 0
                guard balance <= MoneyPolicy.maxBalance - request.amount else {
                    throw ConcertError(.balanceLimitExceeded)
                }
                balances[holder.userID] = balance + request.amount
                let answer = ChargeAnswer.planned(planned.count, replayed: false)
                if let key { earlier[key] = answer.replayed }
                planned.append(PlannedCharge(
                    userID: holder.userID, amount: request.amount, balance: balance + request.amount,
                    key: request.idempotencyKey))
                return answer
            }
        }
        let ids = planned.isEmpty ? [] : try chargeIDs(count: planned.count)
        if !planned.isEmpty { try writeCharges(planned, ids: ids, balances: balances) }
        return decisions.map { decision in decision.map { $0.receipt(planned: planned, ids: ids) } }
    }

    /// The balances of `users` (sorted), each account created on first use and locked until the batch
    /// commits, in that order, so that batches of different servers never wait for each other in a cycle.
    private func lockedBalances(_ users: [UUID]) throws -> [UUID: Int64] {
        guard !users.isEmpty else { return [:] }
        try db.execute(
            """
            INSERT INTO accounts (user_id, balance) SELECT user_id, 0 FROM unnest(?1::uuid[]) AS u (user_id)
            ORDER BY user_id ON CONFLICT (user_id) DO NOTHING
            """, SQLList.uuids(users))
        let rows = try db.all(
            "SELECT user_id, balance FROM accounts WHERE user_id = ANY(?1) ORDER BY user_id FOR UPDATE",
            SQLList.uuids(users)
        ) { row in (try row.uuid(0), row.int64(1)) }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// The charges already made under `keys`, as their replays.
    private func earlierCharges(_ keys: [ChargeKey]) throws -> [ChargeKey: ChargeAnswer] {
        guard !keys.isEmpty else { return [:] }
        let rows = try db.all(
            """
            SELECT c.user_id, c.idempotency_key, c.id, c.amount, c.balance_after
            FROM charges AS c JOIN unnest(?1::uuid[], ?2::text[]) AS k (user_id, idempotency_key)
              ON c.user_id = k.user_id AND c.idempotency_key = k.idempotency_key
            """, SQLList.uuids(keys.map(\.userID)), SQLList.texts(keys.map(\.idempotencyKey))
        ) { row in
            (ChargeKey(userID: try row.uuid(0), idempotencyKey: row.string(1)),
             ChargeAnswer.stored(
                ChargeReceipt(chargeID: row.int64(2), amount: row.int64(3), balance: row.int64(4), replayed: true)))
        }
        return Dictionary(rows, uniquingKeysWith: { first, _ in first })
    }

    /// `count` new charge ids from the charges' identity sequence.
    private func chargeIDs(count: Int) throws -> [Int64] {
        try db.all(
            "SELECT nextval(pg_get_serial_sequence('charges', 'id')) FROM generate_series(1, ?1)", count,
            read: { $0.int64(0) })
    }

    /// Writes the batch's new balances and its charges.
    private func writeCharges(_ planned: [PlannedCharge], ids: [Int64], balances: [UUID: Int64]) throws {
        let users = Array(Set(planned.map(\.userID)))
        try db.execute(
            """
            UPDATE accounts SET balance = v.balance FROM unnest(?1::uuid[], ?2::bigint[]) AS v (user_id, balance)
            WHERE accounts.user_id = v.user_id
            """, SQLList.uuids(users), SQLList.integers(users.map { balances[$0] ?? 0 }))
        try db.execute(
            """
            INSERT INTO charges (id, user_id, amount, balance_after, idempotency_key, charged_ms)
            SELECT id, user_id, amount, balance_after, NULLIF(idempotency_key, ''), ?6
            FROM unnest(?1::bigint[], ?2::uuid[], ?3::bigint[], ?4::bigint[], ?5::text[])
              AS c (id, user_id, amount, balance_after, idempotency_key)
            """, SQLList.integers(ids), SQLList.uuids(planned.map(\.userID)),
            SQLList.integers(planned.map(\.amount)), SQLList.integers(planned.map(\.balance)),
            SQLList.texts(planned.map { $0.key ?? "" }), now)
    }
}

/// A user's idempotency key.
private struct ChargeKey: Hashable {
    let userID: UUID
    let idempotencyKey: String
}

/// The answer to one charge of a batch: a charge already stored (a replay), or one the batch plans to
/// write (its index among the planned charges; `replayed` for a repeat of its key later in the batch).
private enum ChargeAnswer {
    case stored(ChargeReceipt)
    case planned(Int, replayed: Bool)

    /// This answer given again, to a later request with the same key.
    var replayed: ChargeAnswer {
        switch self {
        case .stored: self
        case .planned(let index, _): .planned(index, replayed: true)
        }
    }

    /// The receipt, with the charge ids `ids` handed out for `planned` (0 while they are not known yet).
    func receipt(planned: [PlannedCharge], ids: [Int64]?) -> ChargeReceipt {
        switch self {
        case .stored(let receipt):
            return receipt
        case .planned(let index, let replayed):
            let charge = planned[index]
            return ChargeReceipt(
                chargeID: ids?[index] ?? 0, amount: charge.amount, balance: charge.balance, replayed: replayed)
        }
    }
}

/// A charge the batch will write.
private struct PlannedCharge {
    let userID: UUID
    let amount: Int64
    let balance: Int64
    let key: String?
}
