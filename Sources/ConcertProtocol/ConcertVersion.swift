/// This release of the server, the client library and the probe: what `--version` prints and the health
/// check reports.
public enum ConcertVersion {
    /// The release, as semantic version text.
    public static let current = "1.2.0"
}
