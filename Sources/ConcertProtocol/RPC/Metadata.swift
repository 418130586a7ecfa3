/// The metadata keys this protocol defines.
public enum MetadataKey {
    /// The queue token, issued by `AuthService.IssueToken`, on every call that needs one.
    public static let queueToken = "queue-token"
    /// The site-signed JWT that proves the user id of `AuthService.IssueToken`, as `Bearer <jwt>`
    /// or the bare JWT; required when the server runs with `--user-auth jwt`.
    public static let authorization = "authorization"
}

extension Array where Element == MetadataEntry {
    /// The value of the first entry with `key`, or nil.
    public subscript(key: String) -> String? {
        first { $0.key == key }?.value
    }
}
