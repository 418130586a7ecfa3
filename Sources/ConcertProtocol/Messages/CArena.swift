import CProtobufC
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Owns the C memory of one message being encoded and frees all of it at once.
///
/// Strings, byte fields, repeated fields and sub-messages of a C message point into
/// memory the arena allocated; the arena must outlive the pack call that reads them.
package final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    /// Creates an empty arena.
    package init() {}

    deinit {
        for pointer in allocations { free(pointer) }
    }

    /// Allocates uninitialised memory for `count` values of `T`.
    private func allocate<T>(_: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let raw = malloc(max(1, MemoryLayout<T>.stride * count))!
        allocations.append(raw)
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
        Message.cInit(pointer)
        message.fill(pointer, arena: self)
        return pointer
    }
}
