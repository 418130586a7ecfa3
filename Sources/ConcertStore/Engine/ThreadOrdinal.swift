import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small number for the calling thread, given on its first call and kept for its life: 0, 1, 2, …
/// in order of first use. One process-wide thread-specific key holds it.
enum ThreadOrdinal {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        precondition(pthread_key_create(&key, nil) == 0, "no thread-specific key left")
        return key
    }()
    private static let next = Atomic<Int>(1)

    /// The calling thread's ordinal.
    static var current: Int {
        if let stored = pthread_getspecific(key) { return Int(bitPattern: stored) - 1 }
        let ordinal = next.add(1, ordering: .relaxed).oldValue
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: ordinal))
        return ordinal - 1
    }
}
