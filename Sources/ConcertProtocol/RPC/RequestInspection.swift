public import NIOCore

/// What the server makes of one request frame before running anything.
public enum InspectedRequest: Sendable {
    /// A request that passes every check.
    case request(IncomingCall)
    /// A well-formed envelope the server answers with `error` at once, without running it.
    case rejected(id: UInt64, error: RPCError)
    /// Not a `RequestEnvelope` at all: a connection-level error.
    case malformed
}

/// The limits on one request's envelope, checked on its wire bytes before anything is
/// decoded, so that no frame costs the server much more memory than its own size.
public enum RequestLimits {
    /// The most metadata entries one request may carry.
    public static let maxMetadataEntries = 32
    /// The longest metadata key, in bytes of UTF-8.
    public static let maxMetadataKeyBytes = 64
    /// The longest metadata value, in bytes of UTF-8.
    public static let maxMetadataValueBytes = 4096
    /// The most bytes all metadata entries of one request may take on the wire.
    public static let maxMetadataBytes = 16384
    /// The most fields the envelope may hold that this version does not know.
    public static let maxUnknownEnvelopeFields = 16
}

extension RequestEnvelope {
    /// Checks the frame body in `buffer` against ``RequestLimits`` and the string rule
    /// (valid UTF-8, no NUL, in the method path and every metadata key and value) in one pass
    /// over its wire bytes, and reads the call from it; the method path and the payload stay
    /// slices of `buffer`.
    public static func inspect(_ buffer: ByteBuffer) -> InspectedRequest {
        let scanned = buffer.withUnsafeReadableBytes { bytes -> EnvelopeScan? in
            var scan = EnvelopeScan()
            return scan.walk(bytes) ? scan : nil
        }
        guard let scan = scanned else { return .malformed }
        if let violation = scan.violation { return .rejected(id: scan.id, error: violation) }
        let start = buffer.readerIndex
        return .request(
            IncomingCall(
                id: scan.id,
                method: buffer.getSlice(at: start + scan.method.lowerBound, length: scan.method.count)!,
                metadata: scan.metadata,
                timeoutMs: scan.timeoutMs,
                payload: buffer.getSlice(at: start + scan.payload.lowerBound, length: scan.payload.count)!,
                frameBytes: buffer.readableBytes, cancel: scan.cancel))
    }
}

/// One pass over a request envelope's wire bytes: whether it is well formed, the first rule
/// it breaks, and its fields (the last occurrence of each, as protobuf decoding does).
private struct EnvelopeScan {
    var id: UInt64 = 0
    var violation: RPCError?
    var method: Range<Int> = 0..<0
    var metadata: [MetadataEntry] = []
    var timeoutMs: UInt32 = 0
    var payload: Range<Int> = 0..<0
    var cancel = false
    private var entries = 0
    private var metadataBytes = 0
    private var unknownFields = 0

    /// Walks the envelope; false when it is not well-formed protobuf of the envelope's shape.
    mutating func walk(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var reader = WireReader(bytes)
        var idSeen = false
        while !reader.isAtEnd {
            // Once the request is refused and its id known, the rest need not be read.
            if idSeen, violation != nil { return true }
            guard let (number, wireType) = reader.readTag() else { return false }
            switch (number, wireType) {
            case (1, 0):
                guard let value = reader.readVarint() else { return false }
                id = value
                idSeen = true
            case (4, 0):
                guard let value = reader.readVarint() else { return false }
                timeoutMs = UInt32(truncatingIfNeeded: value)
            case (2, 2):
                guard let method = reader.readLengthDelimited() else { return false }
                if !WireString.isValid(method) { flag(.invalidArgument, .invalidString, "The method path is not valid UTF-8 or holds a NUL byte.") }
                self.method = range(of: method, in: bytes)
            case (3, 2):
                guard let entry = reader.readLengthDelimited(), walkEntry(entry) else { return false }
            case (5, 2):
                guard let payload = reader.readLengthDelimited() else { return false }
                self.payload = range(of: payload, in: bytes)
            case (6, 0):
                guard let value = reader.readVarint() else { return false }
                cancel = value != 0
            case (1...6, _):
                return false
            default:
                guard skipUnknown(wireType: wireType, &reader) else { return false }
            }
        }
        return true
    }

    private mutating func walkEntry(_ bytes: UnsafeRawBufferPointer) -> Bool {
        entries += 1
        metadataBytes += bytes.count
        if entries > RequestLimits.maxMetadataEntries {
            flag(.resourceExhausted, .metadataTooLarge, "A request may carry at most \(RequestLimits.maxMetadataEntries) metadata entries.")
        } else if metadataBytes > RequestLimits.maxMetadataBytes {
            flag(.resourceExhausted, .metadataTooLarge, "A request's metadata may take at most \(RequestLimits.maxMetadataBytes) bytes.")
        }
        var reader = WireReader(bytes)
        var entry = MetadataEntry()
        while !reader.isAtEnd {
            guard let (number, wireType) = reader.readTag() else { return false }
            switch (number, wireType) {
            case (1, 2), (2, 2):
                guard let text = reader.readLengthDelimited() else { return false }
                let limit = number == 1 ? RequestLimits.maxMetadataKeyBytes : RequestLimits.maxMetadataValueBytes
                if text.count > limit {
                    let part = number == 1 ? "key" : "value"
                    flag(.resourceExhausted, .metadataTooLarge, "A metadata \(part) may be at most \(limit) bytes.")
                } else if !WireString.isValid(text) {
                    flag(.invalidArgument, .invalidString, "A metadata key or value is not valid UTF-8 or holds a NUL byte.")
                } else if violation == nil {
                    let string = String(decoding: text, as: UTF8.self)
                    if number == 1 { entry.key = string } else { entry.value = string }
                }
            case (1...2, _):
                return false
            default:
                guard skipUnknown(wireType: wireType, &reader) else { return false }
            }
        }
        if violation == nil { metadata.append(entry) }
        return true
    }

    /// Where `part`, a piece of `whole`, lies in it.
    private func range(of part: UnsafeRawBufferPointer, in whole: UnsafeRawBufferPointer) -> Range<Int> {
        guard let base = part.baseAddress, let origin = whole.baseAddress else { return 0..<0 }
        let start = base - origin
        return start..<start + part.count
    }

    private mutating func skipUnknown(wireType: UInt8, _ reader: inout WireReader) -> Bool {
        unknownFields += 1
        if unknownFields > RequestLimits.maxUnknownEnvelopeFields {
            flag(.resourceExhausted, .requestTooComplex, "The envelope holds too many fields this server does not know.")
        }
        return wireType == 2 ? reader.readLengthDelimited() != nil : reader.skip(wireType: wireType)
    }

    /// Records the first rule broken; later ones are not reported.
    private mutating func flag(_ code: StatusCode, _ reason: ErrorReason, _ message: String) {
        guard violation == nil else { return }
        violation = RPCError(code: code, reason: reason, message: message)
    }
}
