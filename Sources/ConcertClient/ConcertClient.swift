public import ConcertProtocol
import Synchronization

/// A client of a concert-ticketing server: one TCP connection carrying any number of
/// concurrent calls, with the typed calls of every service (`issueToken(userID:)`,
/// `reserveSeat(concertID:date:seatNumber:)`, …) from ``ConcertProtocol/RPCCaller``.
///
/// The client remembers the queue token of its last successful `IssueToken` and sends it
/// as `queue-token` metadata on every later call. A call that gets any answer but OK
/// throws ``ConcertProtocol/RPCError`` with the server's code, reason and message; the
/// client adds UNAVAILABLE (`CONNECTION_FAILED`, `CONNECTION_CLOSED`), DEADLINE_EXCEEDED
/// (`DEADLINE_EXCEEDED`), INTERNAL (`MALFORMED_RESPONSE`) and, when the calling task is
/// cancelled, CANCELLED (`CANCELLED`). After the connection drops, or once its server says it is
/// draining for a restart (`SERVER_DRAINING`, `SHUTTING_DOWN`), the next call opens a new connection
/// (through a balancer, to another server), trying again with backoff as ``ClientConfiguration/reconnect``
/// says; a read, or a charge with an idempotency key, whose connection broke before its answer is sent
/// again, and so is any call a draining server refused without running it (``RetryPolicy``). The
/// streaming `waitUntilActive(resuming:onUpdate:)` watches again on the new connection when a draining
/// server ends its watch, so a rolling restart reaches the caller as nothing but a few more updates.
/// ``withConcertClient(host:port:configuration:isolation:_:)`` connects, runs a body, and closes
/// gracefully; ``withOptions(_:)`` adds metadata and a deadline of your choosing to calls.
///
/// ```swift
/// import ConcertClient
/// import ConcertProtocol
///
/// let client = try await ConcertClient.connect(host: "127.0.0.1", port: 50051)
/// _ = try await client.issueToken(userID: "6f1c2a34-8d0e-4b7a-9c55-2e1f0a9b7d31")
/// _ = try await client.waitUntilActive { status in
///     print("position \(status.position), about \(status.estimatedWaitMs / 1000) s to wait")
/// }
/// let concert = try await client.listConcerts(ListConcertsRequest()).concerts[0]
/// let date = try await client.listAvailableDates(concertID: concert.id).dates[0]
/// let seats = try await client.listAvailableSeats(concertID: concert.id, date: date.date).seats
/// let seat = seats.first(where: \.free)!
/// let hold = try await client.reserveSeat(concertID: concert.id, date: date.date, seatNumber: seat.number)
/// _ = try await client.chargeBalance(amount: seat.price, idempotencyKey: "top-up-1")
/// do {
///     let paid = try await client.pay(reservationID: hold.reservation!.id)
///     print("seat \(seat.number) is yours; balance \(paid.balance)")
/// } catch where error.knownReason == .holdExpired {
///     print("too slow: \(error.message)")
/// }
/// await client.close()
/// ```
public final class ConcertClient: RPCCaller, RPCStreamCaller, Sendable {
    /// The server's host name or address.
    public let host: String
    /// The server's TCP port.
    public let port: Int
    /// The timeouts and limits the client applies.
    public let configuration: ClientConfiguration
    private let slot: ConnectionSlot
    private let calls = InFlightCalls()
    private let storedToken = Mutex<String?>(nil)
    private let storedAuthorization = Mutex<String?>(nil)

    private init(host: String, port: Int, configuration: ClientConfiguration) {
        self.host = host
        self.port = port
        self.configuration = configuration
        self.slot = ConnectionSlot(host: host, port: port, configuration: configuration)
    }

    /// Connects to the server at `host`:`port`.
    ///
    /// - Throws: UNAVAILABLE / `CONNECTION_FAILED` when the connection cannot be opened.
    public static func connect(
        host: String = "127.0.0.1",
        port: Int = 50051,
        configuration: ClientConfiguration = ClientConfiguration()
    ) async throws(RPCError) -> ConcertClient {
        let client = ConcertClient(host: host, port: port, configuration: configuration)
        _ = try await client.slot.connection()
        return client
    }

    /// The queue token sent as `queue-token` metadata, or nil for none.
    public var token: String? { storedToken.withLock { $0 } }

    /// Whether the client holds an open connection that takes new calls now. While it does not (the server
    /// went away or said it is draining, or no call was made yet), a call waits for a new connection, within
    /// its deadline, before anything is sent.
    public var isConnected: Bool { slot.isConnected }

    /// Replaces the queue token sent on later calls; nil sends none.
    public func setToken(_ token: String?) {
        storedToken.withLock { $0 = token }
    }

    /// The site-signed JWT sent as `authorization` metadata with `IssueToken` (and with no other
    /// call), for servers that run with `--user-auth jwt`; nil sends none.
    public func setAuthorization(_ jwt: String?) {
        storedAuthorization.withLock { $0 = jwt }
    }

    /// Sends `request` to `rpc` with the client's token and waits for the response, at most
    /// `timeout` (nil: the configuration's default). A successful `IssueToken` makes its
    /// token the client's token.
    public func call<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        timeout: Duration?
    ) async throws(RPCError) -> Response {
        try await callWithOwnToken(rpc, request, options: CallOptions(), timeout: timeout)
    }

    /// Sends `request` to `rpc` with the client's token as it is now and `options`; a successful
    /// `IssueToken` makes its token the client's token.
    func callWithOwnToken<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        options: CallOptions,
        timeout: Duration?
    ) async throws(RPCError) -> Response {
        let response = try await send(rpc, request, token: token, options: options, timeout: timeout)
        if rpc.descriptor == AuthService.issueToken.descriptor, let issued = response as? IssueTokenResponse {
            setToken(issued.token)
        }
        return response
    }

    /// A caller sharing this client's connection and following its token (as `IssueToken` and
    /// ``setToken(_:)`` change it) that applies `options` to its calls: metadata of your choosing, and a
    /// deadline or none.
    ///
    /// ```swift
    /// let traced = client.withOptions(CallOptions(
    ///     metadata: [MetadataEntry(key: "x-request-id", value: "42")], deadline: .after(.seconds(2))))
    /// let balance = try await traced.getBalance(GetBalanceRequest())
    /// ```
    public func withOptions(_ options: CallOptions) -> OptionsScopedCaller {
        OptionsScopedCaller(client: self, options: options)
    }

    /// A caller sharing this client's connection that sends `token` instead of the
    /// client's own, for tools acting for many users at once, and applies `options` to its calls.
    public func caller(token: String?, options: CallOptions = CallOptions()) -> TokenScopedCaller {
        TokenScopedCaller(client: self, token: token, options: options)
    }

    /// Closes the client for good. New calls and streams are refused with UNAVAILABLE / `CONNECTION_CLOSED`
    /// from now on. By default the calls in flight are let finish first (each within its deadline; a
    /// call made with no deadline may keep the close waiting), then the connection closes, ending open
    /// streams with UNAVAILABLE / `CONNECTION_CLOSED`. With `immediately` the connection closes at once
    /// and the calls in flight fail with UNAVAILABLE / `CONNECTION_CLOSED` (their effect unknown).
    public func close(immediately: Bool = false) async {
        if immediately {
            calls.refuseNewCalls()
        } else {
            await calls.drain()
        }
        await slot.shutDown()
    }

    /// Opens a server stream of `rpc` for `request` with the client's token (see ``RPCStreamCaller``).
    public func stream<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request
    ) -> AsyncThrowingStream<Response, any Error> {
        openStream(rpc, request, token: token, options: CallOptions())
    }

    /// Opens a server stream with `token` as its `queue-token` metadata, and `options`' metadata, and
    /// decodes each message (a stream has no deadline). The
    /// stream's task ends when its consumer stops, which cancels the call on the server. A stream silent
    /// for the configuration's `streamSilenceTimeout` ends with UNAVAILABLE / `CONNECTION_CLOSED`, and its
    /// connection is closed (the next call opens a new one).
    func openStream<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        token: String?,
        options: CallOptions
    ) -> AsyncThrowingStream<Response, any Error> {
        let metadata = (token.map { [MetadataEntry(key: MetadataKey.queueToken, value: $0)] } ?? [])
            .overridden(by: options.metadata)
        let slot = self.slot
        let calls = self.calls
        let silenceTimeout = configuration.streamSilenceTimeout
        return AsyncThrowingStream { continuation in
            let silence = StreamSilence()
            let task = Task {
                do {
                    guard !calls.isClosing else { throw RPCError.clientClosed }
                    let connection = try await slot.connection()
                    let frames = connection.openStream(method: rpc.descriptor.path, metadata: metadata, request: request)
                    let watchdog = Task {
                        while !Task.isCancelled {
                            try await Task.sleep(for: silenceTimeout / 5)
                            guard silence.duration > silenceTimeout else { continue }
                            let error = RPCError.silentStream(after: silenceTimeout)
                            continuation.finish(throwing: error)
                            await connection.abandon(error)
                            return
                        }
                    }
                    defer { watchdog.cancel() }
                    for try await frame in frames {
                        silence.heard()
                        do {
                            continuation.yield(try Response(buffer: frame.payload))
                        } catch {
                            throw RPCError.malformedResponse("\(error)")
                        }
                    }
                    continuation.finish()
                } catch is CancellationError {
                    continuation.finish(throwing: RPCError.cancelled)
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Sends one call with `token` as its `queue-token` metadata (and the JWT, for `IssueToken`), then
    /// `options`' metadata, and decodes the answer. The call waits at most `timeout`, or when that is nil
    /// as long as `options` say; within that deadline a call the ``RetryPolicy`` deems safe is sent again
    /// after its connection broke. Refused once the client is closing; counted in flight until it ends.
    func send<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        token: String?,
        options: CallOptions,
        timeout: Duration?
    ) async throws(RPCError) -> Response {
        try calls.enter()
        defer { calls.leave() }
        let timeout = options.deadline.timeout(overriddenBy: timeout, default: configuration.defaultTimeout)
        var metadata = token.map { [MetadataEntry(key: MetadataKey.queueToken, value: $0)] } ?? []
        if rpc.descriptor == AuthService.issueToken.descriptor, let jwt = storedAuthorization.withLock({ $0 }) {
            metadata.append(MetadataEntry(key: MetadataKey.authorization, value: "Bearer \(jwt)"))
        }
        metadata = metadata.overridden(by: options.metadata)
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var attempt = 1
        var remaining = timeout
        while true {
            do {
                return try await sendOnce(rpc, request, metadata: metadata, timeout: remaining)
            } catch {
                if error.knownReason == .deadlineExceeded, let timeout { throw .deadlineExceeded(after: timeout) }
                guard configuration.retry.retries(rpc, request, after: error, attempt: attempt), !slot.isShutDown else {
                    throw error
                }
                attempt += 1
                if let deadline, let timeout {
                    let left = deadline - .now
                    guard left > .zero else { throw .deadlineExceeded(after: timeout) }
                    remaining = left
                }
            }
        }
    }

    /// Sends one call once over the slot's connection (opening it when needed) and decodes the answer;
    /// waiting for the connection and for the answer together take at most `timeout`.
    private func sendOnce<Request, Response>(
        _ rpc: RPC<Request, Response>,
        _ request: Request,
        metadata: [MetadataEntry],
        timeout: Duration?
    ) async throws(RPCError) -> Response {
        let start = ContinuousClock.now
        let connection = try await slot.connection(waitingAtMost: timeout)
        let answer = try await connection.send(
            method: rpc.descriptor.path, metadata: metadata, request: request,
            timeout: timeout.map { $0 - (ContinuousClock.now - start) }
        ).get()
        guard answer.code == .ok else {
            throw RPCError(code: answer.code, reason: answer.reason, message: answer.message)
        }
        do {
            return try Response(buffer: answer.payload)
        } catch {
            throw .malformedResponse("\(error)")
        }
    }
}
