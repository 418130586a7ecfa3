import Synchronization

/// The store's shared SQL (see `SQLDatabase`) as PostgreSQL takes it, translated once per statement:
/// `?N` parameters become `$N`, SQLite's `INDEXED BY` hints are dropped, and an insert that returns its
/// new id gets `RETURNING id`.
enum PostgresSQL {
    private struct Key: Hashable {
        let address: UInt
        let returningID: Bool
    }

    private static let cache = Mutex<[Key: String]>([:])

    /// The PostgreSQL text of `sql`; with `returningID`, it returns the inserted row's `id`.
    static func text(of sql: StaticString, returningID: Bool = false) -> String {
        let key = Key(address: UInt(bitPattern: sql.utf8Start), returningID: returningID)
        if let cached = cache.withLock({ $0[key] }) { return cached }
        let translated = translate(sql.description) + (returningID ? " RETURNING id" : "")
        cache.withLock { $0[key] = translated }
        return translated
    }

    /// `sql` with `?N` → `$N` and `INDEXED BY name` removed (the store's SQL has no `?` inside literals).
    static func translate(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count)
        var characters = Substring(sql)
        while let first = characters.first {
            if first == "?" {
                output.append("$")
            } else if characters.hasPrefix("INDEXED BY ") {
                characters = characters.dropFirst("INDEXED BY ".count).drop(while: { $0 != " " && $0 != "\n" })
                continue
            } else {
                output.append(first)
            }
            characters = characters.dropFirst()
        }
        return output
    }
}
