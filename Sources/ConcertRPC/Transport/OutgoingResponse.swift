import ConcertProtocol

/// One frame of an answer on its way from the scheduler to the codec.
struct OutgoingResponse {
    /// What the frame carries.
    enum Body {
        /// A unary call's answer: the response message, or the error.
        case unary(Result<any CBridgedMessage, RPCError>)
        /// One message of a server stream.
        case streamMessage(any CBridgedMessage)
        /// A stream's final status: OK (nil) or the error that ended it.
        case streamEnd(RPCError?)
    }

    /// The request id it answers.
    var id: UInt64
    /// What it carries.
    var body: Body
}
