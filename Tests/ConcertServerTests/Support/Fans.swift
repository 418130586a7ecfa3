import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

/// The fixed start of test time: 2027-01-15T08:00:00Z.
let testEpoch: Int64 = 1_800_000_000_000

/// A fan with a token, calling over the wire.
func fan(_ port: Int, user: UUID = UUID()) async throws -> (caller: WireCaller, issued: IssueTokenResponse) {
    let issued = try await WireCaller(port: port).issueToken(userID: user.uuidString.lowercased(), concertID: 1)
    return (WireCaller(port: port, token: issued.token), issued)
}

/// A fan with a token, reaching `server` along `path`.
func fan(_ server: LiveServer, via path: CallPath, user: UUID = UUID()) async throws -> any RPCCaller {
    let issued = try await path.caller(server).issueToken(userID: user.uuidString.lowercased(), concertID: 1)
    return try await path.caller(server, token: issued.token)
}

/// Expects `body` to fail with `code` and `reason`.
func expectFailure<T>(
    _ code: StatusCode, _ reason: ErrorReason,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> T
) async {
    do {
        _ = try await body()
        Issue.record("expected \(code.name) \(reason.name), got success", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, sourceLocation: sourceLocation)
        #expect(error.reason == reason.name, "message: \(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code.name) \(reason.name), got \(error)", sourceLocation: sourceLocation)
    }
}

/// The first demo concert and its first date.
func firstDate(_ caller: some RPCCaller) async throws -> (concert: Int64, date: String) {
    let concert = try #require(try await caller.listConcerts(ListConcertsRequest()).concerts.first)
    let date = try #require(try await caller.listAvailableDates(concertID: concert.id).dates.first)
    return (concert.id, date.date)
}
