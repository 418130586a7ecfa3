/// Protobuf wire bytes written by hand, so tests can send what the Swift types cannot
/// express: strings with NUL or invalid UTF-8, unknown fields, out-of-range numbers.
struct RawProto {
    private(set) var bytes: [UInt8] = []

    /// Appends a varint field (wire type 0).
    mutating func varint(_ field: Int, _ value: UInt64) {
        tag(field, wireType: 0)
        Self.appendVarint(value, to: &bytes)
    }

    /// Appends a length-delimited field (wire type 2) holding `body`.
    mutating func bytes(_ field: Int, _ body: [UInt8]) {
        tag(field, wireType: 2)
        Self.appendVarint(UInt64(body.count), to: &bytes)
        bytes.append(contentsOf: body)
    }

    /// Appends a string field holding `text`'s UTF-8 as is (NUL included).
    mutating func string(_ field: Int, _ text: String) {
        bytes(field, Array(text.utf8))
    }

    private mutating func tag(_ field: Int, wireType: UInt8) {
        Self.appendVarint(UInt64(field) << 3 | UInt64(wireType), to: &bytes)
    }

    private static func appendVarint(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// A `RequestEnvelope` for `method` with `metadata` pairs and `payload`, written by hand.
    static func envelope(id: UInt64, method: [UInt8], metadata: [([UInt8], [UInt8])] = [], payload: [UInt8] = []) -> [UInt8] {
        var envelope = RawProto()
        envelope.varint(1, id)
        envelope.bytes(2, method)
        for (key, value) in metadata {
            var entry = RawProto()
            entry.bytes(1, key)
            entry.bytes(2, value)
            envelope.bytes(3, entry.bytes)
        }
        if !payload.isEmpty { envelope.bytes(5, payload) }
        return envelope.bytes
    }

    /// `body` as one frame: a 4-byte big-endian length, then the body.
    static func frame(_ body: [UInt8]) -> [UInt8] {
        let count = UInt32(body.count)
        return [UInt8(count >> 24), UInt8(count >> 16 & 0xff), UInt8(count >> 8 & 0xff), UInt8(count & 0xff)] + body
    }
}
