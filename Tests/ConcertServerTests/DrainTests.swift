import ConcertClient
import ConcertDomain
import ConcertProtocol
import ConcertTesting
import Foundation
import Testing

/// A server told to shut down drains: every open watch ends at once with UNAVAILABLE / SERVER_DRAINING
/// (not after the client's silence timeout), and the calls in flight are answered.
@Suite("Draining")
struct DrainTests {
    /// Charges sent at once on one connection while the server shuts down.
    private static let charges = 200

    @Test("shutting down ends a watch with SERVER_DRAINING and answers the calls in flight")
    func drainEndsWatchesAndAnswersCalls() async throws {
        let server = try await LiveServer.start(queue: QueuePolicy(maxActive: 1))
        // Nothing is retried or reconnected, and a silent watch would be noticed only after ten minutes:
        // every outcome below is the server's own answer, or CONNECTION_FAILED for a call made after the
        // connection had closed (never sent).
        let configuration = ClientConfiguration(streamSilenceTimeout: .seconds(600), reconnect: .none, retry: .none)
        let buyer = try await ConcertClient.connect(port: server.port, configuration: configuration)
        let watcher = try await ConcertClient.connect(port: server.port, configuration: configuration)
        _ = try await buyer.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
        let waiting = try await watcher.issueToken(userID: UUID().uuidString.lowercased(), concertID: 1)
        #expect(waiting.status?.state == .waiting)

        let firstStatus = Gate()
        let watch = Task { () -> RPCError? in
            do {
                for try await _ in watcher.watchQueue() { firstStatus.open() }
                return nil
            } catch {
                return error as? RPCError
            }
        }
        await firstStatus.wait()

        let firstAnswer = Gate()
        let outcomes = Task {
            await withTaskGroup(of: String.self) { group in
                for index in 0..<Self.charges {
                    group.addTask {
                        do {
                            _ = try await buyer.chargeBalance(amount: 100, idempotencyKey: "drain-\(index)")
                            firstAnswer.open()
                            return "OK"
                        } catch {
                            firstAnswer.open()
                            return (error as? RPCError)?.reason ?? "\(error)"
                        }
                    }
                }
                var reasons: [String: Int] = [:]
                for await reason in group { reasons[reason, default: 0] += 1 }
                return reasons
            }
        }
        await firstAnswer.wait()
        await server.stop(keepingFiles: true)

        let ended = await watch.value
        #expect(ended?.code == .unavailable)
        #expect(ended?.reason == "SERVER_DRAINING", "the watch ended with \(String(describing: ended))")
        let reasons = await outcomes.value
        #expect(
            Set(reasons.keys).isSubset(of: ["OK", "SHUTTING_DOWN", "CONNECTION_FAILED"]),
            "a call in flight was not answered: \(reasons)")
        #expect(reasons["OK", default: 0] > 0)
        let report = try await audit(server.databasePath)
        #expect(report.violations == [])
        #expect(
            report.totalCharged == Int64(reasons["OK", default: 0]) * 100,
            "an acknowledged charge is missing, or more was charged")
        await buyer.close(immediately: true)
        await watcher.close(immediately: true)
        try? FileManager.default.removeItem(at: server.directory)
        TestDatabase.remove(server.databasePath)
    }
}
