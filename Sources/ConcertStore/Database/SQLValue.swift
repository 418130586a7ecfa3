import Foundation

/// A value bound to a statement parameter, in the few types the store's rules use.
public enum SQLValue: Sendable, Equatable {
    /// A 64-bit integer.
    case integer(Int64)
    /// UTF-8 text.
    case text(String)
    /// A UUID (a 16-byte blob in SQLite, a `uuid` in PostgreSQL).
    case uuid(UUID)
    /// SQL NULL.
    case null
    /// A list bound as one parameter (see ``SQLList``).
    case list(SQLList)
}

/// A list bound as one parameter: a PostgreSQL array, read with `= ANY(?1)` or `unnest(?1)` by the bulk
/// statements of a ``BulkSQLDatabase``. SQLite binds no lists.
public enum SQLList: SQLBindable, Sendable, Equatable {
    /// 64-bit integers (`bigint[]`).
    case integers([Int64])
    /// Texts (`text[]`).
    case texts([String])
    /// UUIDs (`uuid[]`).
    case uuids([UUID])

    /// The list.
    public var sqlValue: SQLValue { .list(self) }
}

/// A value that can be bound to a statement parameter.
public protocol SQLBindable {
    /// The value to bind.
    var sqlValue: SQLValue { get }
}

extension Int64: SQLBindable {
    /// The integer.
    public var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLBindable {
    /// The integer, as 64 bits.
    public var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension String: SQLBindable {
    /// The text.
    public var sqlValue: SQLValue { .text(self) }
}

extension UUID: SQLBindable {
    /// The UUID.
    public var sqlValue: SQLValue { .uuid(self) }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    /// The wrapped value, or NULL.
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}
