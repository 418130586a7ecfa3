#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open files, which caps how many connections it can hold.
public enum FileDescriptorLimit {
    /// Raises the soft limit to the hard limit (as far as the system allows) and returns the
    /// soft limit now in force, or nil when it cannot be read.
    @discardableResult
    public static func raiseToHardLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(resourceNoFile, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(resourceNoFile, &raised) == 0 { limit = raised }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// The soft limit in force, or nil when it cannot be read.
    public static var current: Int? {
        var limit = rlimit()
        guard getrlimit(resourceNoFile, &limit) == 0 else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// The descriptors kept back from connections for the database files, logs and the
    /// runtime: a tenth of the limit, at least 64.
    public static func reserve(forLimit limit: Int) -> Int { max(64, limit / 10) }

    /// The most connections a process with `limit` open files can hold safely: the limit less
    /// ``reserve(forLimit:)``, at least 1.
    public static func connectionCapacity(forLimit limit: Int) -> Int { max(1, limit - reserve(forLimit: limit)) }

    #if canImport(Glibc)
    private static let resourceNoFile = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
    private static let resourceNoFile = RLIMIT_NOFILE
    #endif
}
