import ConcertStore
import Foundation
import PostgresNIO

/// One PostgreSQL result row read through the store's `SQLRow`: integers of any width, booleans, text
/// and UUIDs; NULL reads as 0, false or "".
struct PostgresRowReader: SQLRow {
    let row: PostgresRandomAccessRow

    func int64(_ column: Int32) -> Int64 {
        optionalInt64(column) ?? 0
    }

    func optionalInt64(_ column: Int32) -> Int64? {
        let cell = row[Int(column)]
        guard cell.bytes != nil else { return nil }
        switch cell.dataType {
        case .int2: return (try? cell.decode(Int16.self)).map(Int64.init)
        case .int4: return (try? cell.decode(Int32.self)).map(Int64.init)
        case .bool: return (try? cell.decode(Bool.self)).map { $0 ? 1 : 0 }
        default: return try? cell.decode(Int64.self)
        }
    }

    func bool(_ column: Int32) -> Bool {
        let cell = row[Int(column)]
        guard cell.bytes != nil else { return false }
        if cell.dataType == .bool { return (try? cell.decode(Bool.self)) ?? false }
        return int64(column) != 0
    }

    func string(_ column: Int32) -> String {
        let cell = row[Int(column)]
        guard cell.bytes != nil else { return "" }
        return (try? cell.decode(String.self)) ?? ""
    }

    func uuid(_ column: Int32) throws -> UUID {
        do {
            return try row[Int(column)].decode(UUID.self)
        } catch {
            throw StorageError(code: 0, message: "column \(column) does not hold a UUID", operation: "read a row")
        }
    }
}
