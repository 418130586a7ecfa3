extension ConcertStore {
    /// Read: checks every invariant in one snapshot; an empty `violations` list means healthy.
    public func audit() async throws -> InvariantReport {
        try await reading(fresh: true) { session in try session.audit() }.value()
    }
}
