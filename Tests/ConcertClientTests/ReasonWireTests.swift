import ConcertProtocol
import ConcertTesting
import Testing

@Suite("What an error answer carries on the wire")
struct ReasonWireTests {
    @Test("The reason travels as a string without the ERROR_REASON_ prefix, the code as its number")
    func reasonIsABareName() async throws {
        try await withLiveServer { server in
            let connection = try RawConnection(port: server.port)
            try connection.sendFrame(RequestEnvelope(id: 1, method: "/concert.v1.ReservationService/NoSuchMethod"))
            let frame = try #require(try connection.readFrame())
            let reason = Array("UNKNOWN_METHOD".utf8)
            let unimplemented: [UInt8] = [0x10, UInt8(StatusCode.unimplemented.rawValue)]
            #expect(frame.contains(subsequence: [0x22, UInt8(reason.count)] + reason), "field 4, a string of the bare name")
            #expect(frame.contains(subsequence: unimplemented), "field 2, the code's number")
            #expect(!frame.contains(subsequence: Array("ERROR_REASON_".utf8)))
            #expect(!frame.contains(subsequence: Array("UNIMPLEMENTED".utf8)), "the code's name never travels")
        }
    }
}

extension Array where Element: Equatable {
    /// Whether `subsequence` occurs in this array as a contiguous run.
    fileprivate func contains(subsequence: [Element]) -> Bool {
        guard subsequence.count <= count else { return false }
        return (0...(count - subsequence.count)).contains { Array(self[$0..<$0 + subsequence.count]) == subsequence }
    }
}
