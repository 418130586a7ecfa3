import NIOCore
import Synchronization

/// The frames callers on any thread want written on one channel: the first caller of a burst hands
/// the event loop one task that writes every frame queued by then and flushes once, so concurrent
/// calls cost one thread hop between them rather than one each.
final class OutboundQueue: Sendable {
    private struct State {
        var frames: [ByteBuffer] = []
        var scheduled = false
    }

    private let channel: any Channel
    private let state = Mutex(State())

    /// A queue writing to `channel`.
    init(channel: any Channel) {
        self.channel = channel
    }

    /// Queues `frame` for writing.
    func enqueue(_ frame: ByteBuffer) {
        let schedule = state.withLock { state in
            state.frames.append(frame)
            defer { state.scheduled = true }
            return !state.scheduled
        }
        guard schedule else { return }
        channel.eventLoop.execute { [self] in
            let frames = state.withLock { state in
                state.scheduled = false
                defer { state.frames.removeAll(keepingCapacity: true) }
                return state.frames
            }
            for frame in frames { channel.write(frame, promise: nil) }
            channel.flush()
        }
    }
}
