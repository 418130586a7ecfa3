public import NIOCore

/// One response as a client receives it: the envelope read in one pass over its wire bytes, the
/// response message still in the memory of the frame that carried it.
public struct IncomingResponse: Sendable {
    /// The id of the request it answers; 0 for a connection-level error.
    public var id: UInt64
    /// The outcome.
    public var code: StatusCode
    /// The human-readable explanation; empty when OK.
    public var message: String
    /// The machine-readable reason; empty when OK.
    public var reason: String
    /// The response message, protobuf-encoded.
    public var payload: ByteBuffer
    /// Whether this is one message of a server stream (more follow) rather than the final answer.
    public var streamMessage: Bool

    /// Reads the response envelope in the frame body `buffer`; nil when it is not one. Strings that are
    /// not valid UTF-8 are read with replacement characters (they are for people).
    public init?(_ buffer: ByteBuffer) {
        var id: UInt64 = 0
        var code: Int32 = 0
        var message = ""
        var reason = ""
        var payload: Range<Int> = 0..<0
        var streamMessage = false
        let wellFormed = buffer.withUnsafeReadableBytes { bytes -> Bool in
            var reader = WireReader(bytes)
            while !reader.isAtEnd {
                guard let (number, wireType) = reader.readTag() else { return false }
                switch (number, wireType) {
                case (1, 0):
                    guard let value = reader.readVarint() else { return false }
                    id = value
                case (2, 0):
                    guard let value = reader.readVarint() else { return false }
                    code = Int32(truncatingIfNeeded: value)
                case (3, 2), (4, 2):
                    guard let text = reader.readLengthDelimited() else { return false }
                    if number == 3 { message = String(decoding: text, as: UTF8.self) } else { reason = String(decoding: text, as: UTF8.self) }
                case (5, 2):
                    guard let body = reader.readLengthDelimited() else { return false }
                    let start = body.baseAddress.map { $0 - bytes.baseAddress! } ?? 0
                    payload = start..<start + body.count
                case (6, 0):
                    guard let value = reader.readVarint() else { return false }
                    streamMessage = value != 0
                case (1...6, _):
                    return false
                default:
                    guard wireType == 2 ? reader.readLengthDelimited() != nil : reader.skip(wireType: wireType) else { return false }
                }
            }
            return true
        }
        guard wellFormed else { return nil }
        self.id = id
        self.code = StatusCode(rawValue: code)
        self.message = message
        self.reason = reason
        self.payload = buffer.getSlice(at: buffer.readerIndex + payload.lowerBound, length: payload.count)!
        self.streamMessage = streamMessage
    }
}
