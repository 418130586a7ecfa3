import CSQLite
import Foundation

/// SQLite's "copy the bytes now" destructor, which Swift cannot import as a constant.
let transientDestructor = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension SQLValue {
    /// Binds the value to parameter `index` (1-based) of `statement`; returns SQLite's result code.
    /// UUIDs are stored as 16-byte blobs; a list is refused (SQLITE_MISMATCH): SQLite runs no bulk statements.
    func bind(to statement: OpaquePointer, at index: Int32) -> Int32 {
        switch self {
        case .integer(let value):
            return sqlite3_bind_int64(statement, index, value)
        case .text(var text):
            return text.withUTF8 { bytes in
                guard let base = bytes.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, nil) }
                return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { characters in
                    sqlite3_bind_text(statement, index, characters, Int32(bytes.count), transientDestructor)
                }
            }
        case .uuid(let uuid):
            return withUnsafeBytes(of: uuid.uuid) { bytes in
                sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), transientDestructor)
            }
        case .null:
            return sqlite3_bind_null(statement, index)
        case .list:
            return SQLITE_MISMATCH
        }
    }
}
