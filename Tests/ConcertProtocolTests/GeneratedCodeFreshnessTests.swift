import ConcertProtocol
import Foundation
import Testing

/// The generated code must come from the current `proto/`: the digest recorded by
/// `tools/generate-protocol` must match the digest of the .proto files now.
@Suite("Generated code freshness")
struct GeneratedCodeFreshnessTests {
    @Test("the generated code's proto digest matches proto/")
    func digestMatches() throws {
        let protoFolder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("proto")
        #expect(
            try protoDigest(of: protoFolder) == ProtocolServices.sourceDigest,
            "proto/ changed since the code was generated: run tools/generate-protocol")
    }

    /// FNV-1a 64 over each .proto file's relative path and bytes, in sorted path order
    /// (the same digest as tools/proto_digest.py).
    private func protoDigest(of folder: URL) throws -> String {
        let root = folder.standardizedFileURL.path + "/"
        let enumerator = try #require(FileManager.default.enumerator(atPath: folder.path))
        let paths = enumerator.compactMap { $0 as? String }.filter { $0.hasSuffix(".proto") }.sorted()
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for path in paths {
            let bytes = Array(path.utf8) + [0] + Array(try Data(contentsOf: URL(fileURLWithPath: root + path))) + [0]
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
        }
        return String(format: "%016llx", hash)
    }
}
