/// Turns a `DecodingError` into a short message naming the offending JSON path.
enum CatalogDecodingMessage {
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            "missing key \"\(key.stringValue)\" at \(path(context.codingPath))."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            "wrong or missing value at \(path(context.codingPath))."
        case .dataCorrupted(let context):
            context.codingPath.isEmpty ? "not valid JSON." : "invalid value at \(path(context.codingPath))."
        @unknown default:
            "undecodable content."
        }
    }

    private static func path(_ codingPath: [any CodingKey]) -> String {
        guard !codingPath.isEmpty else { return "the top level" }
        return codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
    }
}
