import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A process the tests start with `posix_spawn` and reap with `waitpid`.
///
/// Foundation's `Process` is not used: it learns that a child exited when a socket the child inherits is
/// closed, so a command that leaves a daemon behind (`pg_ctl start`) never seems to exit; and its `run()`
/// lists this process's descriptors to close them one by one, which crashed (SIGSEGV in libc) once while
/// the PostgreSQL pass had some 1,400 descriptors open. Here the child gets standard input from a file
/// (/dev/null unless one is named), its output in files, and every descriptor above standard error closed
/// in one action.
public final class ChildProcess: Sendable {
    /// The child's process id.
    public let pid: pid_t
    /// The exit status once `waitpid` has reaped the child.
    private let reapedStatus = Mutex<Int32?>(nil)

    /// Starts `arguments[0]` (an absolute path) with the rest as its arguments, with `environment` added
    /// to this process's, reading standard input from the file `input` (empty when `nil`), writing standard
    /// output to the file `output` (discarded when `nil`) and standard error to the file `errors`.
    public init(
        _ arguments: [String], environment: [String: String] = [:], input: String? = nil, output: String?,
        errors: String
    ) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, input ?? "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errors, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let addCloseFrom = Self.addCloseFrom { _ = addCloseFrom(&actions, 3) }
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
        var pid: pid_t = 0
        let failure = Self.withCStrings(arguments) { argv in
            Self.withCStrings(variables) { envp in posix_spawn(&pid, arguments[0], &actions, nil, argv, envp) }
        }
        guard failure == 0 else { throw ChildProcessError.spawn(arguments[0], failure) }
        self.pid = pid
    }

    /// Whether the child still runs (reaping it when it has exited).
    public var isRunning: Bool { reap(blocking: false) == nil }

    /// The exit status (128 + the signal when a signal ended it); waits for the child to exit.
    public var terminationStatus: Int32 { reap(blocking: true) ?? -1 }

    /// Sends `signal` unless the child has been reaped (its pid may belong to another process by then).
    public func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Sends `signal` and waits up to `seconds` for the child to exit, then SIGKILLs it; returns its status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, seconds: Int = 20) async -> Int32 {
        send(signal)
        return await waitForExit(seconds: seconds)
    }

    /// Waits up to `seconds` for the child to exit by itself, then SIGKILLs it; returns its exit status.
    public func waitForExit(seconds: Int = 20) async -> Int32 {
        for _ in 0..<(seconds * 50) where isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        send(SIGKILL)
        while isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return terminationStatus
    }

    /// The status once the child has exited, reaping it the first time; waits for it when `blocking`.
    private func reap(blocking: Bool) -> Int32? {
        reapedStatus.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, blocking ? 0 : WNOHANG) } while result == -1 && errno == EINTR
            guard result == pid else { return nil }
            let signal = status & 0x7f
            reaped = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            return reaped
        }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc module does
    /// not export: looked up by name.
    private static let addCloseFrom = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np").map {
        unsafeBitCast($0, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }

    /// Whether children are started holding none of this process's descriptors (glibc 2.34 or later).
    public static var closesDescriptors: Bool { addCloseFrom != nil }

    /// Calls `body` with `strings` as a NULL-terminated array of C strings.
    private static func withCStrings<T>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> T) -> T {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return body(pointers)
    }
}

/// Why a child process could not be started.
public enum ChildProcessError: Error, CustomStringConvertible {
    /// `posix_spawn` of the path failed with the error number.
    case spawn(String, Int32)

    /// The failure in words.
    public var description: String {
        switch self {
        case .spawn(let path, let code): "posix_spawn \(path) failed: \(String(cString: strerror(code)))"
        }
    }
}
