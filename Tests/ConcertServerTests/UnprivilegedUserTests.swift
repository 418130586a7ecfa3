import ConcertProtocol
import Foundation
import ConcertTesting
import Testing

/// The server and the client work as an ordinary user: no socket option or file they
/// touch needs root (setting SO_DEBUG instead of TCP_NODELAY once closed every connection).
@Suite("As an ordinary user", .serialized)
struct UnprivilegedUserTests {
    @Test("concert-server run as nobody serves the probe's journey, run as nobody too")
    func journeyAsNobody() async throws {
        let folder = try Launch.sharedFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let server = try await ServerProcess(
            database: folder.appendingPathComponent("concert.db").path, unprivileged: true)
        let probe = Launch.command(
            try ServerProcess.binary(named: "concert-probe"), ["journey", "--port", String(server.port)],
            unprivileged: true)
        let run = try await onThread { try runToEnd(probe.executable, probe.arguments) }
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("paid"), "\(run.output)")
        #expect(await server.stop() == 0)
        #expect(!server.log.contains("rror"), "\(server.log)")
    }
}

/// Runs `executable` to the end and returns its exit status and its output followed by its errors.
func runToEnd(_ executable: URL, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("concert-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("stdout")
    let errors = folder.appendingPathComponent("stderr")
    let status = try ChildProcess([executable.path] + arguments, output: output.path, errors: errors.path)
        .terminationStatus
    let printed = [output, errors].map { (try? String(contentsOf: $0, encoding: .utf8)) ?? "" }.joined()
    return (status, printed)
}
