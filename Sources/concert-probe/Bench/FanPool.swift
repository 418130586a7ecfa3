import ConcertClient
import ConcertProtocol
import Foundation

/// A benchmark fan's identity: a user, the sale it waits for, the connection it calls over and its token.
struct FanIdentity: Sendable {
    /// The user id.
    let userID: String
    /// The concert whose sale the fan waits for.
    let concertID: Int64
    /// The client whose connection the fan uses.
    let client: ConcertClient
    /// The fan's queue token.
    var token: String
    /// The token's state when last seen.
    var state: TokenState

    /// A caller sending the fan's token over its connection.
    var caller: TokenScopedCaller { client.caller(token: token) }

    /// Issues (or re-fetches) the token of `userID` for the sale of `concertID` over `client`.
    static func issue(userID: String, concertID: Int64, on client: ConcertClient) async throws(RPCError) -> FanIdentity {
        let issued = try await client.caller(token: nil).issueToken(userID: userID, concertID: concertID)
        return FanIdentity(
            userID: userID, concertID: concertID, client: client, token: issued.token,
            state: issued.status?.state ?? .unspecified)
    }

    /// Gives the fan's place up (LeaveQueue), so a finished benchmark leaves no one in line; errors are ignored.
    func leave() async {
        _ = try? await caller.leaveQueue()
    }

    /// Issues tokens for the sale of `concertID` for `count` new random users, spread round-robin over
    /// `clients`, all at once.
    static func issuePool(count: Int, concertID: Int64, clients: [ConcertClient]) async throws(RPCError) -> [FanIdentity] {
        let results = await withTaskGroup(of: (Int, Result<FanIdentity, RPCError>).self) { group in
            for index in 0..<count {
                let client = clients[index % clients.count]
                group.addTask {
                    do throws(RPCError) {
                        return (
                            index,
                            .success(
                                try await issue(userID: UUID().uuidString.lowercased(), concertID: concertID, on: client))
                        )
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            return await group.reduce(into: [(Int, Result<FanIdentity, RPCError>)]()) { $0.append($1) }
        }
        var fans: [FanIdentity] = []
        for (_, result) in results.sorted(by: { $0.0 < $1.0 }) {
            fans.append(try result.get())
        }
        return fans
    }
}
