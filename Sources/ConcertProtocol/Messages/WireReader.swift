/// A cursor over protobuf wire bytes: reads tags, varints and length-delimited bodies,
/// and skips fields, without decoding anything into memory.
struct WireReader {
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    /// A reader at the start of `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// True when every byte has been read.
    var isAtEnd: Bool { offset >= bytes.count }

    /// The next field's number and wire type; nil for a tag that is not valid protobuf.
    mutating func readTag() -> (number: UInt32, wireType: UInt8)? {
        guard let tag = readVarint(), tag >> 3 > 0, tag >> 3 <= UInt64(UInt32.max >> 3) else { return nil }
        return (UInt32(truncatingIfNeeded: tag >> 3), UInt8(truncatingIfNeeded: tag & 7))
    }

    /// A base-128 varint of at most ten bytes, or nil when it is cut short or too long.
    mutating func readVarint() -> UInt64? {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard offset < bytes.count else { return nil }
            let byte = bytes[offset]
            offset += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
        }
        return nil
    }

    /// The body of a length-delimited field (wire type 2), or nil when it runs past the end.
    mutating func readLengthDelimited() -> UnsafeRawBufferPointer? {
        guard let length = readVarint(), length <= UInt64(bytes.count - offset) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
        offset += Int(length)
        return body
    }

    /// Skips a field of `wireType` other than 2; false when it is cut short or of a type
    /// protobuf-c does not decode (groups).
    mutating func skip(wireType: UInt8) -> Bool {
        switch wireType {
        case 0: return readVarint() != nil
        case 1: return advance(by: 8)
        case 5: return advance(by: 4)
        default: return false
        }
    }

    private mutating func advance(by count: Int) -> Bool {
        guard bytes.count - offset >= count else { return false }
        offset += count
        return true
    }
}

/// The rule for every protobuf string of this protocol: valid UTF-8 without NUL.
///
/// protobuf-c hands strings over NUL-terminated, so a NUL would silently cut a string
/// short; rejecting it keeps every string exactly what the client sent.
enum WireString {
    /// Whether `bytes` are valid UTF-8 and hold no NUL byte.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var ascii = true
        for byte in bytes {
            if byte == 0 { return false }
            if byte >= 0x80 { ascii = false }
        }
        if ascii { return true }
        let failed = transcode(bytes.makeIterator(), from: UTF8.self, to: UTF32.self, stoppingOnError: true) { _ in }
        return !failed
    }
}
