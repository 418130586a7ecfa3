import Foundation

/// Runs `body`, which blocks (opening a database: connecting, migrating), on a thread of its own, so that it
/// holds none of Swift's few cooperative threads while it waits: a process that starts several servers at
/// once (the tests do) would otherwise stall every task until the openings are done.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
