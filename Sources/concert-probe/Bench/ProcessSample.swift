import Foundation

/// CPU time and resident memory of a process, read from `/proc` (Linux).
struct ProcessSample: Sendable {
    /// User plus system CPU time, in seconds.
    var cpuSeconds: Double
    /// Resident memory, in bytes.
    var residentBytes: Int

    /// The current sample of process `pid`, or nil when `/proc` does not have it.
    static func of(pid: Int32) -> ProcessSample? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3, utime 14 and stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let resident = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { line in line.split(separator: " ").dropFirst().first.flatMap { Int($0) } }
        return ProcessSample(cpuSeconds: (user + system) / ticks, residentBytes: (resident ?? 0) * 1024)
    }
}
