import ConcertClient
import ConcertProtocol
import Foundation

/// Fans who each hold a connection of their own and a token for one sale: what the fans and watch
/// scenarios start from.
enum FanConnections {
    /// One fan on its own connection, with the answer to its IssueToken (the client keeps the token).
    struct Fan: Sendable {
        /// The fan's client.
        let client: ConcertClient
        /// The answer to the fan's IssueToken.
        let issued: IssueTokenResponse
    }

    /// Opens `count` clients with `connect`, a few hundred at a time, each issuing a token for a new user in
    /// the sale of `concertID`. On a failure every client opened so far is closed.
    static func open(
        count: Int, concertID: Int64, connect: @escaping @Sendable () async throws(ProbeFailure) -> ConcertClient
    ) async throws(ProbeFailure) -> [Fan] {
        var fans: [Fan] = []
        fans.reserveCapacity(count)
        for batchStart in stride(from: 0, to: count, by: 256) {
            let size = min(256, count - batchStart)
            let batch = await withTaskGroup(of: Result<Fan, ProbeFailure>.self) { group in
                for _ in 0..<size {
                    group.addTask {
                        do throws(ProbeFailure) {
                            let client = try await connect()
                            let issued = try await answer { () throws(RPCError) in
                                try await client.issueToken(userID: UUID().uuidString.lowercased(), concertID: concertID)
                            }
                            return .success(Fan(client: client, issued: issued))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for outcome in batch {
                switch outcome {
                case .success(let fan): fans.append(fan)
                case .failure(let error):
                    for fan in fans { await fan.client.close() }
                    throw error
                }
            }
        }
        return fans
    }
}
