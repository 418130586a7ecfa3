import ConcertTesting
import Foundation

/// haproxy on loopback in front of servers on loopback ports: TCP, round robin, health checks every
/// 500 ms, a connection to a server that refuses sent to another at once
/// (``Balancer/configuration(listen:servers:statsSocket:redispatchingEachRetry:)``).
/// A server stopped and started again on its port is taken out and back in by the checks.
final class LoopbackBalancer: Sendable {
    /// The port fans connect to.
    let port: Int
    /// haproxy's stats.
    let balancer: Balancer
    private let process: ChildProcess
    private let folder: URL

    /// Whether haproxy is installed.
    static var isInstalled: Bool { ManyHosts.haproxy != nil }

    /// Starts haproxy in front of the servers on `serverPorts` and waits until it reports them all UP.
    init(serverPorts: [Int]) async throws {
        guard let haproxy = ManyHosts.haproxy?.path else { throw ManyHostsError.missingTool("haproxy") }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("concert-balancer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        port = try LoopbackPort().port
        balancer = Balancer(statsSocket: folder.appendingPathComponent("haproxy.sock").path)
        let configuration = folder.appendingPathComponent("haproxy.cfg")
        try Balancer.configuration(
            listen: "127.0.0.1:\(port)",
            servers: serverPorts.enumerated().map { ("app\($0.offset + 1)", "127.0.0.1:\($0.element)") },
            statsSocket: balancer.statsSocket, redispatchingEachRetry: true
        ).write(to: configuration, atomically: true, encoding: .utf8)
        process = try ChildProcess(
            [haproxy, "-f", configuration.path, "-db"], output: nil,
            errors: folder.appendingPathComponent("haproxy.log").path)
        try await waitUntilAllUp()
    }

    deinit {
        process.send(SIGKILL)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Waits (up to a minute) until haproxy reports every server UP.
    func waitUntilAllUp() async throws {
        let balancer = self.balancer
        for _ in 0..<600 {
            if let servers = try? await onThread({ try balancer.servers() }), !servers.isEmpty,
                servers.values.allSatisfy({ $0.status == "UP" })
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LoopbackBalancerError.serversNeverUp
    }

    /// Stops haproxy.
    func stop() async {
        await process.stop()
    }
}

/// Why the balancer could not be used.
enum LoopbackBalancerError: Error {
    case serversNeverUp
}
