import ConcertTesting

/// Runs `body` with a loopback port that refuses connections (a ``LoopbackPort`` held throughout), so no
/// server started meanwhile, by this test or one running beside it, can take the port, as it could once a
/// port learnt by binding was released.
func withRefusingPort<Value>(_ body: (Int) async throws -> Value) async throws -> Value {
    let held = try LoopbackPort()
    let value = try await body(held.port)
    withExtendedLifetime(held) {}
    return value
}
