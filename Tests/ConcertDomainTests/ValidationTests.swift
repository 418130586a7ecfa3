import ConcertDomain
import Foundation
import Testing

@Suite struct ValidationTests {
    @Test(arguments: ["6F9619FF-8B86-D011-B42D-00C04FC964FF", "6f9619ff-8b86-d011-b42d-00c04fc964ff"])
    func canonicalUserIDsParse(_ text: String) throws {
        #expect(try Validation.userID(text) == UUID(uuidString: text.uppercased()))
    }

    @Test(arguments: [
        "", "6F9619FF8B86D011B42D00C04FC964FF", "{6F9619FF-8B86-D011-B42D-00C04FC964FF}",
        "6F9619FF-8B86-D011-B42D-00C04FC964F", "6F9619FF-8B86-D011-B42D-00C04FC964FFF",
        "6F9619FF-8B86-D011-B42D_00C04FC964FF", "6G9619FF-8B86-D011-B42D-00C04FC964FF", " 6F9619FF-8B86-D011-B42D-00C04FC964F",
    ])
    func nonCanonicalUserIDsAreRejected(_ text: String) {
        #expect(throws: ConcertError(.invalidUserID)) { try Validation.userID(text) }
    }

    @Test func seatNumbersMustBeWithinOneToFifty() throws {
        try Validation.seatNumber(1)
        try Validation.seatNumber(50)
        for bad in [0, 51, -1, Int.max] {
            #expect { try Validation.seatNumber(bad) } throws: { ($0 as? ConcertError)?.reason == .invalidSeatNumber }
        }
    }

    @Test func datesMustBeRealCalendarDays() throws {
        for good in ["2027-03-06", "2028-02-29", "2000-02-29", "2027-12-31", "0001-01-01"] {
            try Validation.date(good)
        }
        for bad in ["2027-3-6", "2027-02-29", "1900-02-29", "2027-13-01", "2027-00-10", "2027-04-31", "27-03-06",
            "2027/03/06", "2027-03-06T00:00", "", "０２７-03-06", "0000-01-01"] {
            #expect { try Validation.date(bad) } throws: { ($0 as? ConcertError)?.reason == .invalidDate }
        }
    }

    @Test func chargeAmountsArePositiveAndCapped() throws {
        try Validation.chargeAmount(1)
        try Validation.chargeAmount(MoneyPolicy.maxChargeAmount)
        #expect(throws: ConcertError(.invalidAmount)) { try Validation.chargeAmount(0) }
        #expect(throws: ConcertError(.invalidAmount)) { try Validation.chargeAmount(-5) }
        #expect(throws: ConcertError(.amountTooLarge)) { try Validation.chargeAmount(MoneyPolicy.maxChargeAmount + 1) }
        #expect(throws: ConcertError(.amountTooLarge)) { try Validation.chargeAmount(Int64.max) }
    }

    @Test func idempotencyKeysAreOptionalAndBounded() throws {
        #expect(try Validation.idempotencyKey(nil) == nil)
        #expect(try Validation.idempotencyKey("") == nil)
        let longest = String(repeating: "k", count: MoneyPolicy.maxIdempotencyKeyBytes)
        #expect(try Validation.idempotencyKey(longest) == longest)
        #expect { try Validation.idempotencyKey(longest + "k") } throws: {
            ($0 as? ConcertError)?.reason == .invalidIdempotencyKey
        }
    }

    @Test("idempotency keys are measured in bytes of UTF-8, not in characters or code points", arguments: [
        String(repeating: "e\u{301}", count: 100), String(repeating: "🇰🇷", count: 128), String(repeating: "가", count: 43),
    ])
    func idempotencyKeyLimitCountsBytes(key: String) throws {
        #expect(key.count <= MoneyPolicy.maxIdempotencyKeyBytes)
        #expect { try Validation.idempotencyKey(key) } throws: {
            ($0 as? ConcertError)?.reason == .invalidIdempotencyKey
        }
    }
}
