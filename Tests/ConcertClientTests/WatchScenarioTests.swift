import ConcertClient
import ConcertDomain
import ConcertProtocol
import ConcertTesting
import Foundation
import Synchronization
import Testing

/// A thousand fans watching their place on connections of their own while the line moves.
@Suite("Watching at scale")
struct WatchScenarioTests {
    /// What every watcher saw, by its starting position.
    final class Sightings: Sendable {
        let positions = Mutex<[UInt64: [UInt64]]>([:])
        let admitted = Mutex<Set<UInt64>>([])
    }

    @Test("1,000 watchers on their own connections: each sees ACTIVE once admitted and its position never increases")
    func thousandWatchers() async throws {
        try await withLiveServer(queue: QueuePolicy(maxActive: 10)) { server in
            var fans: [(client: ConcertClient, position: UInt64)] = []
            for _ in 0..<1_000 {
                let client = try await ConcertClient.connect(port: server.port)
                let issued = try await client.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
                fans.append((client, issued.status?.position ?? 0))
            }
            let waiting = fans.filter { $0.position > 0 }
            #expect(waiting.count == 990)
            let sightings = Sightings()
            let watches = waiting.map { fan in
                Task {
                    for try await update in fan.client.watchQueue() {
                        guard let status = update.status else { continue }
                        sightings.positions.withLock { $0[fan.position, default: []].append(status.position) }
                        if status.state == .active {
                            sightings.admitted.withLock { _ = $0.insert(fan.position) }
                            return
                        }
                    }
                }
            }
            // The active fans leave, and every fan that sees ACTIVE leaves in turn, until all were admitted.
            var left: Set<UInt64> = []
            for fan in fans where fan.position == 0 { _ = try await fan.client.leaveQueue() }
            let deadline = ContinuousClock.now + .seconds(60)
            while left.count < waiting.count, ContinuousClock.now < deadline {
                let admitted = sightings.admitted.withLock { $0 }.subtracting(left)
                for fan in waiting where admitted.contains(fan.position) {
                    _ = try await fan.client.leaveQueue()
                    left.insert(fan.position)
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            for watch in watches { _ = try? await watch.value }

            let seen = sightings.positions.withLock { $0 }
            #expect(left.count == 990, "every waiting fan saw ACTIVE")
            for (start, positions) in seen {
                #expect((positions.first ?? .max) <= start, "the first status is the fan's place in line or nearer")
                let waitingPositions = positions.dropLast()
                #expect(
                    waitingPositions == waitingPositions.sorted(by: >)[...], "positions never increase: \(positions)")
                #expect(positions.last == 0, "the last status is ACTIVE")
            }
            let report = try await server.application.store.audit()
            #expect(report.isHealthy, "\(report.violations)")
            for fan in fans { await fan.client.close() }
        }
    }
}
