internal import CConcertProto
internal import CProtobufC

/// The checks every message's wire bytes pass before protobuf-c decodes them: each string
/// field is valid UTF-8 without NUL (``WireString``), and the message holds at most
/// `maxElements` fields counted over the whole tree (known, unknown and repeated elements),
/// so a small frame cannot decode into a large allocation.
package enum PayloadInspection {
    /// The most elements a request payload may hold; no request of concert.v1 needs more than a dozen.
    package static let maxRequestElements = 256

    /// Checks `bytes` as a `descriptor` message; throws the first problem found.
    static func check(
        _ bytes: UnsafeRawBufferPointer, descriptor: UnsafePointer<ProtobufCMessageDescriptor>, maxElements: Int
    ) throws(ProtoDecodingError.Problem) {
        var budget = maxElements
        try check(bytes, descriptor: descriptor, budget: &budget, maxElements: maxElements)
    }

    private static func check(
        _ bytes: UnsafeRawBufferPointer, descriptor: UnsafePointer<ProtobufCMessageDescriptor>,
        budget: inout Int, maxElements: Int
    ) throws(ProtoDecodingError.Problem) {
        var reader = WireReader(bytes)
        while !reader.isAtEnd {
            guard let (number, wireType) = reader.readTag() else { throw .malformed }
            budget -= 1
            guard budget >= 0 else { throw .tooComplex(limit: maxElements) }
            let field = protobuf_c_message_descriptor_get_field(descriptor, number)
            guard wireType == 2 else {
                guard reader.skip(wireType: wireType) else { throw .malformed }
                continue
            }
            guard let body = reader.readLengthDelimited() else { throw .malformed }
            guard let field else { continue }
            switch field.pointee.type {
            case PROTOBUF_C_TYPE_STRING:
                guard WireString.isValid(body) else { throw .invalidString(field: String(cString: field.pointee.name)) }
            case PROTOBUF_C_TYPE_MESSAGE:
                let nested = field.pointee.descriptor.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)
                try check(body, descriptor: nested, budget: &budget, maxElements: maxElements)
            case PROTOBUF_C_TYPE_BYTES:
                break
            default:
                budget -= body.count
                guard budget >= 0 else { throw .tooComplex(limit: maxElements) }
            }
        }
    }
}
