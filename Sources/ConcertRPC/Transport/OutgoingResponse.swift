internal import ConcertProtocol

/// One call's answer on its way from the scheduler to the codec.
struct OutgoingResponse {
    /// The request id it answers.
    var id: UInt64
    /// The response message, or the error to answer with.
    var outcome: Result<any CBridgedMessage, RPCError>
}
