import ConcertProtocol
import ConcertTesting
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What the many-hosts suite needs from this machine, and where its tools are.
enum ManyHosts {
    /// `ip` from iproute2.
    static let ip = executable(named: "ip")
    /// Debian's haproxy.
    static let haproxy = executable(named: "haproxy")

    /// Whether the suite can run: as root with the capabilities to make network namespaces, with `ip` and
    /// `haproxy` installed and glibc 2.34 or later (``Command``), in the PostgreSQL pass
    /// (`CONCERT_TEST_POSTGRES_URL` set; the suite starts a PostgreSQL cluster of its own all the same).
    static var isPossible: Bool {
        getuid() == 0 && hasNetworkAdministration && ip != nil && haproxy != nil && TestDatabase.isPostgres
            && ChildProcess.closesDescriptors
    }

    /// The executable `name` on `PATH` or in the system folders (root's tools live in sbin).
    private static func executable(named name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        return folders.map { URL(fileURLWithPath: $0).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Whether this process holds CAP_NET_ADMIN and CAP_SYS_ADMIN (a container may withhold them from root).
    private static var hasNetworkAdministration: Bool {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let effective = UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        let netAdmin: UInt64 = 1 << 12
        let sysAdmin: UInt64 = 1 << 21
        return effective & netAdmin != 0 && effective & sysAdmin != 0
    }
}

/// Why the many-hosts deployment could not be built or used.
enum ManyHostsError: Error, CustomStringConvertible {
    case missingTool(String)
    case commandFailed([String], status: Int32, output: String)
    case exited(String, status: Int32, log: String)
    case neverReady(String, log: String)
    case system(String, Int32)
    case unexpectedStats(String)

    var description: String {
        switch self {
        case .missingTool(let name): "\(name) is not installed"
        case .commandFailed(let command, let status, let output):
            "`\(command.joined(separator: " "))` exited \(status): \(output)"
        case .exited(let name, let status, let log): "\(name) exited with status \(status); its log:\n\(log)"
        case .neverReady(let what, let log): "\(what) never became ready; log:\n\(log)"
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code)))"
        case .unexpectedStats(let header): "haproxy's `show stat` lacks a column this test reads: \(header)"
        }
    }
}

/// Runs a short command to its end, as a ``ChildProcess``: output goes through files, not pipes, so a
/// daemon the command leaves behind (`pg_ctl start`) cannot hold a read open.
enum Command {
    /// Runs `arguments[0]` (an absolute path) with the rest as its arguments and `environment` added to this
    /// process's; returns its standard output, or throws with its output when it exits non-zero.
    @discardableResult
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("concert-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("stdout")
        let errors = folder.appendingPathComponent("stderr")
        let status = try ChildProcess(arguments, environment: environment, output: output.path, errors: errors.path)
            .terminationStatus
        let printed = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let complaint = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            throw ManyHostsError.commandFailed(arguments, status: status, output: printed + complaint)
        }
        return printed
    }
}

/// Work to undo, done in reverse order of registration, once; every step is best effort.
final class Cleanup: Sendable {
    private let steps = Mutex<[@Sendable () async -> Void]>([])

    /// Registers `step` to run (before every step registered earlier).
    func add(_ step: @escaping @Sendable () async -> Void) {
        steps.withLock { $0.append(step) }
    }

    /// Runs every registered step, newest first, and forgets them.
    func run() async {
        let pending = steps.withLock { steps in
            defer { steps = [] }
            return steps
        }
        for step in pending.reversed() { await step() }
    }
}

/// The hosts of the deployment, each a network namespace.
enum Host: String, CaseIterable, Sendable {
    case db, app1, app2, app3, lb

    /// The application servers.
    static let apps: [Host] = [.app1, .app2, .app3]

    /// The last byte of the host's address.
    fileprivate var addressByte: Int {
        switch self {
        case .db: 10
        case .app1: 11
        case .app2: 12
        case .app3: 13
        case .lb: 20
        }
    }
}

/// One network namespace per ``Host``, each with a veth pair into one bridge in the root namespace, on a
/// private /24 (10.213.X.0/24, X random and unused here): the bridge has .1, so this process reaches every
/// host; no namespace has a default route, so none reaches beyond the bridge.
struct HostNetwork: Sendable {
    /// The random part of every name, so that runs never clash.
    let suffix: String
    /// The third byte of the subnet.
    let subnet: Int

    /// The bridge's name (interface names have at most 15 characters).
    var bridge: String { "concertbr\(suffix)" }
    /// The subnet in CIDR notation.
    var cidr: String { "10.213.\(subnet).0/24" }

    /// The namespace of `host`.
    func namespace(_ host: Host) -> String { "concert-\(suffix)-\(host.rawValue)" }

    /// The IPv4 address of `host`.
    func address(_ host: Host) -> String { "10.213.\(subnet).\(host.addressByte)" }

    /// The root namespace's end of `host`'s veth pair (the other end is `eth0` in the namespace).
    private func veth(_ host: Host) -> String { "cv\(suffix)\(host.addressByte)" }

    /// A network with a random suffix on a subnet that no address or route of this machine uses yet;
    /// nothing is made.
    static func plan() throws -> HostNetwork {
        guard let ip = ManyHosts.ip?.path else { throw ManyHostsError.missingTool("ip") }
        return HostNetwork(suffix: String(UUID().uuidString.lowercased().prefix(6)), subnet: try unusedSubnet(ip: ip))
    }

    /// Makes the bridge and every host.
    func create() throws {
        guard let ip = ManyHosts.ip?.path else { throw ManyHostsError.missingTool("ip") }
        try Command.run([ip, "link", "add", bridge, "type", "bridge"])
        try Command.run([ip, "addr", "add", "10.213.\(subnet).1/24", "dev", bridge])
        try Command.run([ip, "link", "set", bridge, "up"])
        for host in Host.allCases { try attach(host, ip: ip) }
    }

    /// Makes `host`'s namespace, its veth pair into the bridge, and its loopback and address.
    private func attach(_ host: Host, ip: String) throws {
        let namespace = namespace(host)
        try Command.run([ip, "netns", "add", namespace])
        try Command.run([ip, "link", "add", veth(host), "type", "veth", "peer", "name", "eth0", "netns", namespace])
        try Command.run([ip, "link", "set", veth(host), "master", bridge, "up"])
        try Command.run([ip, "-n", namespace, "link", "set", "lo", "up"])
        try Command.run([ip, "-n", namespace, "addr", "add", "\(address(host))/24", "dev", "eth0"])
        try Command.run([ip, "-n", namespace, "link", "set", "eth0", "up"])
    }

    /// Kills whatever still runs in the namespaces, then removes the veth pairs (at once; a namespace's
    /// deletion frees its interfaces later), the namespaces and the bridge, ignoring what was never made.
    func remove() {
        guard let ip = ManyHosts.ip?.path else { return }
        for host in Host.allCases {
            let pids = (try? Command.run([ip, "netns", "pids", namespace(host)])) ?? ""
            for pid in pids.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
        }
        for host in Host.allCases { _ = try? Command.run([ip, "link", "del", veth(host)]) }
        for host in Host.allCases { _ = try? Command.run([ip, "netns", "del", namespace(host)]) }
        _ = try? Command.run([ip, "link", "del", bridge])
    }

    /// A random X for 10.213.X.0/24 that no address or route of this machine uses yet.
    private static func unusedSubnet(ip: String) throws -> Int {
        let taken = try Command.run([ip, "-4", "-o", "addr", "show"]) + Command.run([ip, "-4", "route", "show"])
        let free = (0...255).filter { !taken.contains("10.213.\($0).") }
        guard let subnet = free.randomElement() else {
            throw ManyHostsError.commandFailed([ip, "-4", "addr"], status: 0, output: "no free 10.213.X.0/24")
        }
        return subnet
    }

    /// The command that runs `arguments` inside `host`'s namespace (`ip netns exec` execs it, so the
    /// process started is the command itself).
    func inside(_ host: Host, _ arguments: [String]) throws -> [String] {
        guard let ip = ManyHosts.ip?.path else { throw ManyHostsError.missingTool("ip") }
        return [ip, "netns", "exec", namespace(host)] + arguments
    }
}

/// A long-running process in one of the hosts (a server or the balancer), its standard error in a log file.
final class HostProcess: Sendable {
    /// What the process is, for messages.
    let name: String
    private let process: ChildProcess
    private let logURL: URL

    /// Starts `arguments` inside `host` of `network`, logging to a file in `folder`.
    init(_ name: String, on host: Host, of network: HostNetwork, _ arguments: [String], folder: URL) throws {
        self.name = name
        logURL = folder.appendingPathComponent("\(name).log")
        process = try ChildProcess(network.inside(host, arguments), output: nil, errors: logURL.path)
    }

    /// The process id (of the command itself: `ip netns exec` execs it).
    var pid: Int32 { process.pid }

    /// Whether the process still runs.
    var isRunning: Bool { process.isRunning }

    /// What the process wrote to standard error so far.
    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Throws when the process has exited, with its status and log.
    func requireRunning() throws {
        guard process.isRunning else { throw ManyHostsError.exited(name, status: process.terminationStatus, log: log) }
    }

    /// Sends `signal` and waits for the process to exit (SIGKILL after `seconds`); returns its exit status.
    @discardableResult
    func stop(signal: Int32 = SIGTERM, seconds: Int = 20) async -> Int32 {
        await process.stop(signal: signal, seconds: seconds)
    }
}

/// One server's line in haproxy's `show stat`.
struct BalancedServer: Sendable {
    /// Connections the balancer sent to the server so far (`stot`).
    var sessions: Int
    /// `UP`, `DOWN`, or a transition such as `UP 1/2`.
    var status: String
    /// The last health check's result, e.g. `L4OK` or `L4CON`.
    var check: String
}

/// haproxy in the `lb` host: TCP mode, round robin over the three servers with connect health checks,
/// and an admin stats socket this process reads.
struct Balancer: Sendable {
    /// The backend's name in haproxy's configuration.
    static let backend = "concert"

    /// The socket haproxy answers `show stat` on.
    let statsSocket: String

    /// haproxy's configuration: the frontend on `listen`, one `server` line per entry of `servers`. With
    /// `redispatchingEachRetry`, a refused connection is tried on another server at once (no second of
    /// turn-around on the same one), as rolling restarts want.
    static func configuration(
        listen: String, servers: [(name: String, address: String)], statsSocket: String,
        redispatchingEachRetry: Bool = false
    ) -> String {
        let serverLines = servers.map { "    server \($0.name) \($0.address) check inter 500ms fall 2 rise 2" }
        return """
            global
                maxconn 8192
                stats socket \(statsSocket) mode 600 level admin

            defaults
                mode tcp
                timeout connect 5s
                timeout client 300s
                timeout server 300s
                retries 2
                option redispatch\(redispatchingEachRetry ? " 1" : "")

            frontend fans
                bind \(listen)
                default_backend \(backend)

            backend \(backend)
                balance roundrobin
            \(serverLines.joined(separator: "\n"))

            """
    }

    /// The backend's servers by name, from `show stat`.
    func servers() throws -> [String: BalancedServer] {
        let lines = try ask("show stat").split(separator: "\n").map(String.init)
        guard let header = lines.first?.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false) else {
            return [:]
        }
        let columns = ["pxname", "svname", "stot", "status", "check_status"].compactMap { header.firstIndex(of: $0[...]) }
        guard columns.count == 5 else { throw ManyHostsError.unexpectedStats(lines.first ?? "") }
        let (proxy, server, sessions, status, check) = (columns[0], columns[1], columns[2], columns[3], columns[4])
        var found: [String: BalancedServer] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == header.count, fields[proxy] == Self.backend, fields[server] != "BACKEND" else { continue }
            found[fields[server]] = BalancedServer(
                sessions: Int(fields[sessions]) ?? 0, status: fields[status], check: fields[check])
        }
        return found
    }

    /// Sends `command` to the stats socket and returns haproxy's whole answer (it closes after one command).
    private func ask(_ command: String) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ManyHostsError.system("socket", errno) }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(statsSocket.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: path.prefix(raw.count - 1))
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else { throw ManyHostsError.system("connect", errno) }
        let request = Array((command + "\n").utf8)
        guard request.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == request.count else {
            throw ManyHostsError.system("send", errno)
        }
        var answer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if received == 0 { break }
            guard received > 0 else { throw ManyHostsError.system("recv", errno) }
            answer += chunk[0..<received]
        }
        return String(decoding: answer, as: UTF8.self)
    }
}

/// PostgreSQL, three `concert-server` processes and haproxy, each on its own ``Host`` of a ``HostNetwork``.
struct ManyHostsDeployment: Sendable {
    /// The port every server listens on (each in its own namespace).
    static let serverPort = 7001
    /// The balancer's port.
    static let balancerPort = 7000

    /// The hosts and their addresses.
    let network: HostNetwork
    /// The database's URL (on the `db` host's address, which this process reaches too).
    let databaseURL: String
    /// The servers by host.
    let servers: [Host: HostProcess]
    /// haproxy.
    let balancerProcess: HostProcess
    /// haproxy's stats.
    let balancer: Balancer

    /// The address fans connect to.
    var balancerAddress: String { network.address(.lb) }

    /// A caller that makes each call on a new connection through the balancer.
    func caller(token: String? = nil) -> WireCaller {
        WireCaller(host: balancerAddress, port: Self.balancerPort, token: token)
    }

    /// Builds the deployment, runs `body` with it, and tears everything down afterwards, also when
    /// building or `body` fails. First removes what earlier test processes that died left behind.
    static func run(
        serverArguments: [String], _ body: (ManyHostsDeployment) async throws -> Void
    ) async throws {
        _ = try? await onThread { DeploymentRecord.removeAbandoned() }
        let cleanup = Cleanup()
        do {
            try await body(try await start(serverArguments: serverArguments, cleanup: cleanup))
        } catch {
            await cleanup.run()
            throw error
        }
        await cleanup.run()
    }

    /// Starts the network, PostgreSQL, the servers one after another (the first migrates the database) and
    /// the balancer, waiting for each; registers every teardown step with `cleanup`.
    private static func start(serverArguments: [String], cleanup: Cleanup) async throws -> ManyHostsDeployment {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent(DeploymentRecord.folderPrefix + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        cleanup.add { try? FileManager.default.removeItem(at: folder) }
        let record = try await onThread { try DeploymentRecord.write(in: folder) }
        cleanup.add { _ = try? await onThread { record.remove() } }
        let network = record.network
        try await onThread { try network.create() }
        let databaseURL = try await onThread { try startDatabase(in: record.databaseFolder, on: network) }
        let binary = try ServerProcess.binary(named: "concert-server").path
        var servers: [Host: HostProcess] = [:]
        for host in Host.apps {
            let arguments = [
                binary, "--host", network.address(host), "--port", String(serverPort), "--database", databaseURL,
                "--log-level", "warning",
            ] + serverArguments
            let server = try HostProcess("concert-server-\(host.rawValue)", on: host, of: network, arguments, folder: folder)
            cleanup.add { await server.stop() }
            try await waitUntilServing(server, at: network.address(host))
            servers[host] = server
        }
        let (balancerProcess, balancer) = try startBalancer(on: network, folder: folder)
        cleanup.add { await balancerProcess.stop() }
        try await waitUntilBalancing(balancer, process: balancerProcess)
        return ManyHostsDeployment(
            network: network, databaseURL: databaseURL, servers: servers, balancerProcess: balancerProcess,
            balancer: balancer)
    }

    /// Starts a PostgreSQL cluster in `folder` in the `db` host, listening on its address and trusting the
    /// subnet; returns its URL.
    private static func startDatabase(in folder: String, on network: HostNetwork) throws -> String {
        let printed = try Command.run(
            network.inside(.db, [clusterTool, "start", folder]),
            environment: ["PG_LISTEN": network.address(.db), "PG_HBA_CIDR": network.cidr])
        return printed.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `tools/postgres-cluster`.
    static var clusterTool: String { Repository.root.appendingPathComponent("tools/postgres-cluster").path }

    /// Writes haproxy's configuration and starts it in the `lb` host.
    private static func startBalancer(on network: HostNetwork, folder: URL) throws -> (HostProcess, Balancer) {
        guard let haproxy = ManyHosts.haproxy?.path else { throw ManyHostsError.missingTool("haproxy") }
        let balancer = Balancer(statsSocket: folder.appendingPathComponent("haproxy.sock").path)
        let configuration = folder.appendingPathComponent("haproxy.cfg")
        try Balancer.configuration(
            listen: "\(network.address(.lb)):\(balancerPort)",
            servers: Host.apps.map { ($0.rawValue, "\(network.address($0)):\(serverPort)") },
            statsSocket: balancer.statsSocket
        ).write(to: configuration, atomically: true, encoding: .utf8)
        let process = try HostProcess(
            "haproxy", on: .lb, of: network, [haproxy, "-f", configuration.path, "-db"], folder: folder)
        return (process, balancer)
    }

    /// Waits (up to about a minute) until `server` answers a health check on `address`.
    private static func waitUntilServing(_ server: HostProcess, at address: String) async throws {
        for _ in 0..<300 {
            let healthy = try? await onThread {
                let connection = try RawConnection(host: address, port: serverPort, receiveTimeout: 2)
                try connection.sendFrame(RequestEnvelope(id: 1, method: SystemService.health.descriptor.path))
                return try connection.readResponse()?.code == .ok
            }
            if healthy == true { return }
            try server.requireRunning()
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ManyHostsError.neverReady(server.name, log: server.log)
    }

    /// Waits (up to about a minute) until haproxy's health checks have passed for all three servers.
    private static func waitUntilBalancing(_ balancer: Balancer, process: HostProcess) async throws {
        for _ in 0..<300 {
            let servers = try? await onThread { try balancer.servers() }
            let names = Host.apps.map(\.rawValue)
            if let servers, names.allSatisfy({ servers[$0]?.status == "UP" && servers[$0]?.check == "L4OK" }) { return }
            try process.requireRunning()
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ManyHostsError.neverReady("haproxy", log: process.log)
    }

    /// Runs `call` (one connection through the balancer) and names the server haproxy sent it to: the one
    /// whose session count went up by one, if exactly one count changed.
    func servingServer<T>(of call: () async throws -> T) async throws -> (server: String?, result: Result<T, any Error>) {
        let balancer = self.balancer
        let before = try await onThread { try balancer.servers() }
        let result: Result<T, any Error>
        do {
            result = .success(try await call())
        } catch {
            result = .failure(error)
        }
        let after = try await onThread { try balancer.servers() }
        let grown = after.filter { name, server in server.sessions == (before[name]?.sessions ?? 0) + 1 }
        let changed = after.filter { name, server in server.sessions != before[name]?.sessions }
        return (grown.count == 1 && changed.count == 1 ? grown.first?.key : nil, result)
    }

    /// Stops the running servers with SIGTERM and returns their exit statuses, by host.
    func stopServers() async -> [Host: Int32] {
        var statuses: [Host: Int32] = [:]
        for (host, server) in servers where server.isRunning { statuses[host] = await server.stop() }
        return statuses
    }
}

/// Idempotent charges pipelined over several connections through the balancer, answers read on every
/// connection at once; once `killAfter` charges were acknowledged, `interrupt` runs (a SIGKILL of a server).
struct BalancedStorm: Sendable {
    /// A charge answered OK.
    struct Charge: Sendable {
        let token: String
        let key: String
        let amount: Int64
        let chargeID: Int64
    }

    /// What the storm saw: the acknowledged charges, and how many calls got no answer or a failure.
    struct Outcome: Sendable {
        var acknowledged: [Charge] = []
        var notAcknowledged = 0
    }

    let host: String
    let port: Int
    /// One token per connection.
    let chargers: [String]
    /// Charges per connection.
    let rounds: Int
    let killAfter: Int
    let interrupt: @Sendable () -> Void

    /// Runs the storm to its end: every connection answered everything or was closed.
    func run() async throws -> Outcome {
        let tally = StormTally()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, token) in chargers.enumerated() {
                group.addTask { try await onThread { try drive(connection: index, token: token, tally: tally) } }
            }
            try await group.waitForAll()
        }
        return tally.outcome
    }

    /// Sends connection `index`'s charges at once, then reads its answers until done or closed.
    private func drive(connection index: Int, token: String, tally: StormTally) throws {
        let connection = try RawConnection(host: host, port: port, receiveTimeout: 120)
        var frames = ByteBufferBox()
        let keys = (0..<rounds).map { "storm-\(index)-\($0)" }
        for (round, key) in keys.enumerated() {
            frames.append(WireCaller.envelope(
                PaymentService.chargeBalance, ChargeBalanceRequest(amount: 100, idempotencyKey: key), token: token,
                id: UInt64(round + 1)))
        }
        try connection.send(frames.bytes)
        var answered = 0
        while answered < rounds, let answer = try? connection.readResponse() {
            answered += 1
            guard answer.code == .ok, keys.indices.contains(Int(answer.id) - 1),
                let receipt = try? ChargeBalanceResponse(serializedBytes: answer.payload)
            else {
                tally.recordNotAcknowledged(1)
                continue
            }
            let charge = Charge(token: token, key: keys[Int(answer.id) - 1], amount: 100, chargeID: receipt.chargeID)
            if tally.acknowledge(charge, threshold: killAfter) { interrupt() }
        }
        tally.recordNotAcknowledged(rounds - answered)
    }
}

/// The storm's shared count, from every connection's thread.
private final class StormTally: Sendable {
    private let state = Mutex((outcome: BalancedStorm.Outcome(), interrupted: false))

    /// Records an acknowledged charge; true exactly once, when the acknowledgements reach `threshold`.
    func acknowledge(_ charge: BalancedStorm.Charge, threshold: Int) -> Bool {
        state.withLock { state in
            state.outcome.acknowledged.append(charge)
            guard !state.interrupted, state.outcome.acknowledged.count >= threshold else { return false }
            state.interrupted = true
            return true
        }
    }

    /// Records `count` calls that got no OK answer.
    func recordNotAcknowledged(_ count: Int) {
        state.withLock { $0.outcome.notAcknowledged += count }
    }

    /// Everything recorded so far.
    var outcome: BalancedStorm.Outcome { state.withLock { $0.outcome } }
}

/// Whether a real client would send a call that failed with `error` again: a live server answered
/// UNAVAILABLE (its store was busy, say). A call whose connection failed is not retried, so the tests still
/// see connections the balancer could not serve.
func isRetryable(_ error: RPCError) -> Bool {
    error.code == .unavailable && error.knownReason != .connectionFailed && error.knownReason != .connectionClosed
}

/// The result of `body`, sent again (up to 20 times in all, 100 ms apart) while it fails in a way a real
/// client retries.
func retrying<T>(_ body: () async throws -> T) async throws -> T {
    for _ in 1..<20 {
        do {
            return try await body()
        } catch let error as RPCError where isRetryable(error) {
            try await Task.sleep(for: .milliseconds(100))
        }
    }
    return try await body()
}

/// Sends `calls` with `send`, then sends again (up to 20 rounds, 100 ms apart) those that failed in a way a
/// real client retries; the results are in the order of `calls`.
func retryingEach<Request, Response>(
    _ calls: [(request: Request, token: String?)],
    _ send: ([(request: Request, token: String?)]) async throws -> [Result<Response, RPCError>]
) async throws -> [Result<Response, RPCError>] {
    var results = try await send(calls)
    for _ in 1..<20 {
        let again = results.indices.filter { index in
            guard case .failure(let error) = results[index] else { return false }
            return isRetryable(error)
        }
        guard !again.isEmpty else { break }
        try await Task.sleep(for: .milliseconds(100))
        for (index, result) in zip(again, try await send(again.map { calls[$0] })) { results[index] = result }
    }
    return results
}

/// What one deployment puts on the machine, written to its folder before anything is made, so that a later
/// run can remove what a test process that died before its cleanup (a crash elsewhere in the run) left.
struct DeploymentRecord: Codable, Sendable {
    /// The start of every deployment folder's name.
    static let folderPrefix = "concert-many-hosts-"
    private static let fileName = "deployment.json"

    /// The test process that made the deployment.
    let pid: Int32
    /// The network's ``HostNetwork/suffix``.
    let suffix: String
    /// The network's ``HostNetwork/subnet``.
    let subnet: Int
    /// The PostgreSQL cluster's folder.
    let databaseFolder: String

    /// The deployment's network.
    var network: HostNetwork { HostNetwork(suffix: suffix, subnet: subnet) }

    /// Plans a network, makes the cluster's folder (like `mktemp -d`, which the `postgres` user can enter)
    /// and writes the record of both into `folder`.
    static func write(in folder: URL) throws -> DeploymentRecord {
        let network = try HostNetwork.plan()
        let pattern = FileManager.default.temporaryDirectory.appendingPathComponent("concert-hosts-pg-XXXXXX")
        var template = Array(pattern.path.utf8CString)
        guard let made = mkdtemp(&template) else { throw ManyHostsError.system("mkdtemp", errno) }
        let record = DeploymentRecord(
            pid: getpid(), suffix: network.suffix, subnet: network.subnet, databaseFolder: String(cString: made))
        try JSONEncoder().encode(record).write(to: folder.appendingPathComponent(fileName))
        return record
    }

    /// Stops and removes the PostgreSQL cluster, kills whatever else still runs in the hosts and removes the
    /// network.
    func remove() {
        _ = try? Command.run([ManyHostsDeployment.clusterTool, "stop", databaseFolder, "--remove"])
        network.remove()
    }

    /// Removes the deployments, with their folders, whose test process no longer runs.
    static func removeAbandoned() {
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(folderPrefix) {
            let folder = temporary.appendingPathComponent(name)
            guard let data = try? Data(contentsOf: folder.appendingPathComponent(fileName)),
                let record = try? JSONDecoder().decode(DeploymentRecord.self, from: data),
                kill(record.pid, 0) != 0, errno == ESRCH
            else { continue }
            record.remove()
            try? FileManager.default.removeItem(at: folder)
        }
    }
}
