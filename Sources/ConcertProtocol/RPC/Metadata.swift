/// The metadata keys this protocol defines.
public enum MetadataKey {
    /// The queue token, issued by `AuthService.IssueToken`, on every call that needs one.
    public static let queueToken = "queue-token"
}

extension Array where Element == MetadataEntry {
    /// The value of the first entry with `key`, or nil.
    public subscript(key: String) -> String? {
        first { $0.key == key }?.value
    }
}
