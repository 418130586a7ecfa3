import ConcertProtocol
import NIOCore
import NIOPosix

/// A bare TCP server that answers each request frame as a script says: with any frame,
/// with raw bytes, with nothing, or by closing the connection. It tests how the client
/// copes with misbehaving servers.
final class ScriptedServer: Sendable {
    /// What to do with one request.
    enum Reply: Sendable {
        /// Send this response envelope.
        case frame(ResponseEnvelope)
        /// Send these bytes as they are.
        case bytes([UInt8])
        /// Send nothing.
        case silence
        /// Close the connection.
        case close
    }

    /// Decides the reply to `request`, the `index`-th request (from 0) of its connection.
    typealias Script = @Sendable (_ request: RequestEnvelope, _ index: Int) -> Reply

    private let channel: any Channel

    var port: Int { channel.localAddress?.port ?? 0 }

    /// Starts serving on a free loopback port.
    init(script: @escaping Script) async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(FrameDecoder()), ScriptHandler(script: script),
                    ])
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }

    /// Stops listening.
    func stop() async {
        try? await channel.close()
    }
}

/// Applies the script to each request of one connection.
private final class ScriptHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let script: ScriptedServer.Script
    private var index = 0

    init(script: @escaping ScriptedServer.Script) {
        self.script = script
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let request = try? RequestEnvelope(buffer: unwrapInboundIn(data)) else {
            context.close(promise: nil)
            return
        }
        defer { index += 1 }
        switch script(request, index) {
        case .frame(let response):
            var buffer = context.channel.allocator.buffer(capacity: 64)
            FrameParser.writeFrame(response, into: &buffer)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        case .bytes(let bytes):
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        case .silence:
            break
        case .close:
            context.close(promise: nil)
        }
    }
}
