import Foundation
import Synchronization

/// The outcome of one run of the `concert-probe` executable.
struct ProbeRun: Sendable {
    let exitCode: Int32
    let stdout: String
    let stderr: String
}

/// The built `concert-probe` binary, run as a subprocess.
enum ProbeProcess {
    /// The probe binary next to the test bundle (the build products folder), or nil.
    static let executable: URL? = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL,
            Bundle.main.bundleURL.deletingLastPathComponent(),
        ] + Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        return candidates.map { $0.appendingPathComponent("concert-probe") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()

    /// Runs the probe with `arguments` to the end, without blocking a thread.
    static func run(_ arguments: [String]) async throws -> ProbeRun {
        try await RunningProbe(arguments).finish()
    }
}

/// A probe subprocess whose standard output and error go to files, so a test can watch
/// the output while it runs and await the exit without blocking a thread.
final class RunningProbe: Sendable {
    private let folder: URL
    private let exit = ExitLatch()

    private let process: Process
    private var stdoutURL: URL { folder.appendingPathComponent("stdout") }
    private var stderrURL: URL { folder.appendingPathComponent("stderr") }

    /// Starts the probe with `arguments`.
    init(_ arguments: [String]) throws {
        guard let executable = ProbeProcess.executable else { throw ProbeProcessError.notBuilt }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("stdout").path, contents: nil)
        _ = FileManager.default.createFile(atPath: folder.appendingPathComponent("stderr").path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: folder.appendingPathComponent("stdout"))
        process.standardError = try FileHandle(forWritingTo: folder.appendingPathComponent("stderr"))
        process.terminationHandler = { [exit] process in exit.resolve(process.terminationStatus) }
        try process.run()
        self.process = process
    }

    /// Interrupts the probe (SIGINT), as a user pressing Ctrl-C.
    func interrupt() {
        process.interrupt()
    }

    /// The standard output written so far.
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// Waits until the standard output contains `text` (true), or the probe exits without it (false).
    func waitForOutput(containing text: String) async throws -> Bool {
        while !stdout.contains(text) {
            if exit.status != nil { return stdout.contains(text) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Waits for the probe to exit and collects its output.
    func finish() async throws -> ProbeRun {
        let status = await exit.wait()
        defer { try? FileManager.default.removeItem(at: folder) }
        return ProbeRun(
            exitCode: status, stdout: stdout, stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "")
    }
}

/// The exit status of a process, awaited by at most one waiter.
private final class ExitLatch: Sendable {
    private let state = Mutex<(status: Int32?, waiter: CheckedContinuation<Int32, Never>?)>((nil, nil))

    /// The exit status, or nil while the process runs.
    var status: Int32? { state.withLock { $0.status } }

    /// Records the exit status and wakes the waiter.
    func resolve(_ status: Int32) {
        let waiter = state.withLock { state in
            state.status = status
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: status)
    }

    /// Waits for the exit status.
    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state -> Int32? in
                if state.status == nil { state.waiter = continuation }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}

/// Why the probe could not be run.
enum ProbeProcessError: Error, CustomStringConvertible {
    case notBuilt

    var description: String {
        "concert-probe was not found next to the test bundle; build it with `swift build --build-tests`"
    }
}
