import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How a test starts a built executable as an ordinary user or under a lower file limit.
enum Launch {
    /// The unprivileged account the tests run servers and clients as.
    static let user = "nobody"
    /// Its group.
    static let group = "nogroup"

    /// The command that runs `binary` with `arguments`: as ``user`` when `unprivileged` and the
    /// tests run as root (through `setpriv`), and with at most `fileLimit` open files (through `prlimit`).
    static func command(
        _ binary: URL, _ arguments: [String], unprivileged: Bool = false, fileLimit: Int? = nil
    ) -> (executable: URL, arguments: [String]) {
        var command = [binary.path] + arguments
        if unprivileged, geteuid() == 0 {
            command = ["/usr/bin/setpriv", "--reuid=\(user)", "--regid=\(group)", "--clear-groups", "--"] + command
        }
        if let fileLimit {
            command = ["/usr/bin/prlimit", "--nofile=\(fileLimit):\(fileLimit)", "--"] + command
        }
        return (URL(fileURLWithPath: command[0]), Array(command.dropFirst()))
    }

    /// A new temporary folder that ``user`` may write (mode 0777 when the tests run as root).
    static func sharedFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("concert-shared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        chmod(folder.path, 0o777)
        return folder
    }
}
