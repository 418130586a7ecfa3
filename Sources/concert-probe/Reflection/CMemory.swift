#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Zeroed C memory for messages being built, all freed together when the owner goes away.
final class CMemory {
    private var blocks: [UnsafeMutableRawPointer] = []

    deinit {
        for block in blocks { free(block) }
    }

    /// `byteCount` zeroed bytes, suitably aligned for any C type.
    func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer {
        let block = calloc(1, max(1, byteCount))!
        blocks.append(block)
        return block
    }

    /// A NUL-terminated copy of `string`.
    func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        let utf8 = Array(string.utf8)
        let block = allocate(utf8.count + 1)
        block.copyMemory(from: utf8, byteCount: utf8.count)
        return block.assumingMemoryBound(to: CChar.self)
    }

    /// A copy of `bytes`, or nil when empty.
    func bytes(_ bytes: [UInt8]) -> UnsafeMutablePointer<UInt8>? {
        guard !bytes.isEmpty else { return nil }
        let block = allocate(bytes.count)
        block.copyMemory(from: bytes, byteCount: bytes.count)
        return block.assumingMemoryBound(to: UInt8.self)
    }
}
