internal import CProtobufC
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns the C memory of one message being encoded and frees all of it at once.
///
/// Strings, byte fields, repeated fields and sub-messages of a C message point into
/// memory the arena allocated; the arena must outlive the pack call that reads them.
/// Allocations are carved out of one block (a message of this protocol rarely needs more);
/// what does not fit gets a block of its own.
package final class CArena {
    private static let blockSize = 1024
    private let block: UnsafeMutableRawPointer
    private var used = 0
    private var overflow: [UnsafeMutableRawPointer] = []

    /// Creates an empty arena.
    package init() {
        block = malloc(Self.blockSize)!
    }

    deinit {
        free(block)
        for pointer in overflow { free(pointer) }
    }

    /// Allocates uninitialised memory for `count` values of `T`.
    private func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let size = max(1, MemoryLayout<T>.stride * count)
        let alignment = max(MemoryLayout<T>.alignment, 8)
        let start = (used + alignment - 1) & ~(alignment - 1)
        if start + size <= Self.blockSize {
            used = start + size
            return (block + start).bindMemory(to: T.self, capacity: count)
        }
        let raw = malloc(size)!
        overflow.append(raw)
        return raw.bindMemory(to: T.self, capacity: count)
    }

    /// A NUL-terminated copy of `string`. A string holding NUL is cut at the first NUL.
    package func cString(_ string: String) -> UnsafeMutablePointer<CChar> {
        var string = string
        return string.withUTF8 { utf8 in
            let pointer = allocate(CChar.self, count: utf8.count + 1)
            utf8.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { pointer.initialize(from: base, count: chars.count) }
            }
            pointer[utf8.count] = 0
            return pointer
        }
    }

    /// A copy of `bytes` as a protobuf-c byte field.
    package func binary(_ bytes: [UInt8]) -> ProtobufCBinaryData {
        guard !bytes.isEmpty else { return ProtobufCBinaryData(len: 0, data: nil) }
        let pointer = allocate(UInt8.self, count: bytes.count)
        bytes.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: $0.count) }
        return ProtobufCBinaryData(len: bytes.count, data: pointer)
    }

    /// A C array holding `values`, or nil when there are none.
    package func array<T>(_ values: [T]) -> UnsafeMutablePointer<T>? {
        guard !values.isEmpty else { return nil }
        let pointer = allocate(T.self, count: values.count)
        values.withUnsafeBufferPointer { pointer.initialize(from: $0.baseAddress!, count: $0.count) }
        return pointer
    }

    /// An initialised C message holding `message`.
    package func message<Message: CBridgedMessage>(_ message: Message) -> UnsafeMutablePointer<Message.CMessage> {
        let pointer = allocate(Message.CMessage.self, count: 1)
        protobuf_c_message_init(Message.cDescriptor, pointer)
        message.fill(pointer, arena: self)
        return pointer
    }
}
