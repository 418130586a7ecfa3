import ConcertTesting
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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

    /// Runs the probe with `arguments` to the end, with `input` as its standard input (empty when nil),
    /// without blocking a thread.
    static func run(_ arguments: [String], input: String? = nil) async throws -> ProbeRun {
        try await RunningProbe(arguments, input: input).finish()
    }
}

/// A probe subprocess (started with ``ChildProcess``) whose standard output and error go to files, so a
/// test can watch the output while it runs and await the exit without blocking a thread.
final class RunningProbe: Sendable {
    /// The longest a probe may run before ``finish()`` kills it.
    private static let longestRun = 600

    private let folder: URL
    private let child: ChildProcess

    private var stdoutURL: URL { folder.appendingPathComponent("stdout") }
    private var stderrURL: URL { folder.appendingPathComponent("stderr") }

    /// Starts the probe with `arguments`, its standard input read from `input` (empty when nil).
    init(_ arguments: [String], input: String? = nil) throws {
        guard let executable = ProbeProcess.executable else { throw ProbeProcessError.notBuilt }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var inputPath: String?
        if let input {
            let url = folder.appendingPathComponent("stdin")
            try Data(input.utf8).write(to: url)
            inputPath = url.path
        }
        child = try ChildProcess(
            [executable.path] + arguments, input: inputPath, output: folder.appendingPathComponent("stdout").path,
            errors: folder.appendingPathComponent("stderr").path)
    }

    /// Interrupts the probe (SIGINT), as a user pressing Ctrl-C.
    func interrupt() {
        child.send(SIGINT)
    }

    /// The standard output written so far.
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    /// Waits until the standard output contains `text` (true), or the probe exits without it (false).
    func waitForOutput(containing text: String) async throws -> Bool {
        while !stdout.contains(text) {
            if !child.isRunning { return stdout.contains(text) }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Waits for the probe to exit (killing it after ten minutes) and collects its output.
    func finish() async throws -> ProbeRun {
        let status = await child.waitForExit(seconds: Self.longestRun)
        defer { try? FileManager.default.removeItem(at: folder) }
        return ProbeRun(
            exitCode: status, stdout: stdout, stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "")
    }
}

/// Why the probe could not be run.
enum ProbeProcessError: Error, CustomStringConvertible {
    /// The binary is not next to the test bundle.
    case notBuilt

    var description: String {
        "concert-probe was not found next to the test bundle; build it with `swift build --build-tests`"
    }
}
