@testable import ConcertStore
import ConcertDomain
import Foundation
import ConcertTesting
import Testing

@Suite struct ChargeTests {
    @Test func chargesAddUpAndAreRecorded() async throws {
        try await withStore { store, _ in
            let token = try await store.activeToken()
            let first = try await store.charge(token: token, amount: 5_000, idempotencyKey: nil)
            let second = try await store.charge(token: token, amount: 7_000, idempotencyKey: "")
            #expect(first.balance == 5_000 && !first.replayed)
            #expect(second.balance == 12_000 && second.chargeID != first.chargeID)
            #expect(try store.balance(token: token) == 12_000)
            #expect(try await store.audit().totalCharged == 12_000)
        }
    }

    @Test func aRetriedChargeIsAppliedOnceAndAnswersLikeTheFirst() async throws {
        try await withStore { store, _ in
            let token = try await store.activeToken()
            let first = try await store.charge(token: token, amount: 10_000, idempotencyKey: "top-up-1")
            _ = try await store.charge(token: token, amount: 1, idempotencyKey: nil)
            let retry = try await store.charge(token: token, amount: 10_000, idempotencyKey: "top-up-1")
            #expect(retry == ChargeReceipt(chargeID: first.chargeID, amount: 10_000, balance: 10_000, replayed: true))
            #expect(try store.balance(token: token) == 10_001)
            await expectReason(.idempotencyKeyReused) {
                try await store.charge(token: token, amount: 10_001, idempotencyKey: "top-up-1")
            }
            let otherUser = try await store.activeToken()
            let theirs = try await store.charge(token: otherUser, amount: 3, idempotencyKey: "top-up-1")
            #expect(!theirs.replayed && theirs.balance == 3)
            #expect(try await store.audit().totalCharged == 10_004)
        }
    }

    @Test func waitingTokensMayChargeButExpiredOnesMayNot() async throws {
        try await withStore(queue: QueuePolicy(maxActive: 1, activeLifetimeMs: 1_000)) { store, harness in
            let active = try await store.activeToken()
            let waiting = try await store.issueToken(userID: UUID(), concertID: Demo.concert)
            #expect(try await store.charge(token: waiting.token, amount: 50, idempotencyKey: nil).balance == 50)
            #expect(try store.balance(token: waiting.token) == 50)
            harness.clock.advance(byMilliseconds: 1_000)
            await expectReason(.tokenExpired) { try await store.charge(token: active, amount: 50, idempotencyKey: nil) }
        }
    }

    @Test func invalidChargesAreRefusedBeforeTouchingTheStore() async throws {
        try await withStore { store, _ in
            let token = try await store.activeToken()
            await expectReason(.invalidAmount) { try await store.charge(token: token, amount: 0, idempotencyKey: nil) }
            await expectReason(.invalidAmount) { try await store.charge(token: token, amount: -1, idempotencyKey: nil) }
            await expectReason(.amountTooLarge) {
                try await store.charge(token: token, amount: MoneyPolicy.maxChargeAmount + 1, idempotencyKey: nil)
            }
            await expectReason(.invalidIdempotencyKey) {
                try await store.charge(token: token, amount: 1, idempotencyKey: String(repeating: "x", count: 129))
            }
            let longest = String(repeating: "x", count: 128)
            #expect(try await store.charge(token: token, amount: 1, idempotencyKey: longest).balance == 1)
            await expectReason(.tokenMissing) { try await store.charge(token: "", amount: 1, idempotencyKey: nil) }
            await expectReason(.tokenUnknown) {
                try await store.charge(token: AccessToken.generate(), amount: 1, idempotencyKey: nil)
            }
            #expect(try store.balance(token: token) == 1)
        }
    }

    @Test(.enabled(if: !TestDatabase.isPostgres, "sets a balance through SQLite")) func theBalanceNeverExceedsItsLimit() async throws {
        try await withStore { store, harness in
            let user = UUID()
            let token = try await store.activeToken(user: user)
            // Give the user 9,999 recorded charges of the largest amount, so the balance is 1e12 - 1e8.
            let raw = try Connection(path: harness.path, busyTimeoutMs: 5_000, role: .writer)
            let userHex = withUnsafeBytes(of: user.uuid) { $0.map { String(format: "%02x", $0) }.joined() }
            try raw.executeScript(
                """
                BEGIN IMMEDIATE;
                INSERT INTO accounts (user_id, balance) VALUES (X'\(userHex)', 999900000000);
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
                INSERT INTO charges (user_id, amount, balance_after, charged_ms) SELECT X'\(userHex)', 100000000, i * 100000000, 0 FROM n;
                COMMIT;
                """)
            raw.close()
            #expect(try store.balance(token: token) == MoneyPolicy.maxBalance - MoneyPolicy.maxChargeAmount)
            let full = try await store.charge(token: token, amount: MoneyPolicy.maxChargeAmount, idempotencyKey: "k")
            #expect(full.balance == MoneyPolicy.maxBalance)
            await expectReason(.balanceLimitExceeded) { try await store.charge(token: token, amount: 1, idempotencyKey: "j") }
            let replay = try await store.charge(token: token, amount: MoneyPolicy.maxChargeAmount, idempotencyKey: "k")
            #expect(replay == ChargeReceipt(chargeID: full.chargeID, amount: full.amount, balance: full.balance, replayed: true))
            #expect(try store.balance(token: token) == MoneyPolicy.maxBalance)
        }
    }

    @Test func concurrentChargesAreAnsweredAsIfOneAtATime() async throws {
        try await withStore { store, _ in
            let user = UUID()
            let token = try await store.activeToken(user: user)
            let largest = MoneyPolicy.maxChargeAmount
            let earlierCharges = MoneyPolicy.maxBalance / largest - 3
            try await store.write(scope: .everything) { session in
                try session.db.execute(
                    "INSERT INTO accounts (user_id, balance) VALUES (?1, ?2)", user, earlierCharges * largest)
                try session.db.execute(
                    """
                    WITH RECURSIVE n (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                    INSERT INTO charges (user_id, amount, balance_after, charged_ms) SELECT ?2, ?3, i * ?3, 0 FROM n
                    """, earlierCharges, user, largest)
            }
            let keys = (0..<12).map { "key-\($0)" }
            let answers = await withTaskGroup(of: (String, Result<ChargeReceipt, any Error>).self) { group in
                for key in keys + keys {
                    group.addTask {
                        do {
                            return (key, .success(try await store.charge(token: token, amount: largest, idempotencyKey: key)))
                        } catch {
                            return (key, .failure(error))
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            var firsts: [String: ChargeReceipt] = [:]
            for case (let key, .success(let receipt)) in answers where !receipt.replayed {
                #expect(firsts[key] == nil, "key \(key) was applied twice")
                firsts[key] = receipt
            }
            #expect(firsts.count == 3)
            #expect(Set(firsts.values.map(\.chargeID)).count == 3)
            #expect(Set(firsts.values.map(\.balance)) == Set((1...3).map { MoneyPolicy.maxBalance - Int64(3 - $0) * largest }))
            for (key, answer) in answers {
                switch answer {
                case .success(let receipt) where receipt.replayed:
                    var original = try #require(firsts[key], "a replay of key \(key), which was never applied")
                    original.replayed = true
                    #expect(receipt == original)
                case .success:
                    break
                case .failure(let error):
                    #expect((error as? ConcertError)?.reason == .balanceLimitExceeded && firsts[key] == nil)
                }
            }
            #expect(try store.balance(token: token) == MoneyPolicy.maxBalance)
        }
    }
}
