import ConcertProtocol
import ConcertTesting
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `concert-server` process started from the built binary, for tests that need
/// several processes on one database file, a SIGKILL, another user or a lower file limit.
final class ServerProcess: Sendable {
    let port: Int
    private let process: ChildProcess
    private let logURL: URL

    /// Starts the binary on `port` (nil: a free one) with `arguments` and waits until it answers a health check.
    ///
    /// With `unprivileged`, the server runs as `nobody` (through `setpriv` when the tests run as
    /// root); with `fileLimit`, under that soft and hard limit of open files (through `prlimit`);
    /// with `environment` added to this process's.
    /// Standard error goes to a log file that ``log`` reads.
    init(
        database: String, port: Int? = nil, arguments: [String] = [], unprivileged: Bool = false, fileLimit: Int? = nil,
        logLevel: String = "warning", environment: [String: String] = [:]
    ) async throws {
        self.port = try port ?? Self.freePort()
        logURL = FileManager.default.temporaryDirectory.appendingPathComponent("concert-server-\(UUID().uuidString).log")
        let command = try Launch.command(
            Self.binary(named: "concert-server"),
            ["--port", String(self.port), "--database", database, "--log-level", logLevel] + arguments,
            unprivileged: unprivileged, fileLimit: fileLimit)
        process = try ChildProcess(
            [command.executable.path] + command.arguments, environment: environment, output: nil, errors: logURL.path)
        do {
            try await waitUntilServing()
        } catch {
            process.send(SIGKILL)
            throw error
        }
    }

    /// A server still running when its test ends (say, because the test threw) is killed.
    deinit {
        process.send(SIGKILL)
        try? FileManager.default.removeItem(at: logURL)
    }

    /// The process id of the server (or of the `prlimit`/`setpriv` that became it).
    var pid: Int32 { process.pid }

    /// What the server wrote to standard error so far.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Whether the process is still running.
    var isRunning: Bool { process.isRunning }

    /// Sends `signal` and waits for the process to exit (SIGKILL after 20 s, so a hung
    /// server fails the test instead of hanging it); returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM) async -> Int32 {
        await process.stop(signal: signal)
    }

    /// Waits up to `seconds` for the process to exit by itself (then SIGKILL); returns its exit status.
    func waitForExit(seconds: Int = 20) async -> Int32 {
        await process.waitForExit(seconds: seconds)
    }

    private func waitUntilServing() async throws {
        for _ in 0..<500 {
            let port = self.port
            let healthy = try? await onThread {
                let connection = try RawConnection(port: port, receiveTimeout: 2)
                try connection.sendFrame(RequestEnvelope(id: 1, method: SystemService.health.descriptor.path))
                return try connection.readResponse()?.code == .ok
            }
            if healthy == true { return }
            guard process.isRunning else { throw ServerProcessError.exited(process.terminationStatus, log: log) }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServerProcessError.neverServed
    }

    /// The executable `name` built next to the test bundle.
    static func binary(named name: String) throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL.deletingLastPathComponent(),
            Bundle.main.bundleURL,
        ]
        for folder in candidates {
            let binary = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
        }
        throw ServerProcessError.binaryNotBuilt(candidates.map(\.path))
    }

    /// A loopback port that was free a moment ago.
    static func freePort() throws -> Int {
        try LoopbackPort().port
    }
}

/// Why a server process could not be used.
enum ServerProcessError: Error {
    case binaryNotBuilt([String])
    case exited(Int32, log: String)
    case neverServed
}
