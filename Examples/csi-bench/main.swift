import AzureCoreTesting
// csi-bench: one provider per node, many pods. Measures akv-csi-provider through its real gRPC Unix socket, as a
// separate process, against the emulators (in this process) with a fixed Key Vault latency.
//
// Usage: swift build -c release --product akv-csi-provider && swift run -c release csi-bench
//
// 1. 50 concurrent Mount calls of one SecretProviderClass of 20 objects, one identity, 20 ms Key Vault latency, on a
//    fresh provider: Key Vault requests (target <= 20 + 2), token requests (target 1), p50 and p99 Mount latency
//    against the bound token + challenge + ceil(20 / C) x 20 ms; the Go provider's model beside it (1,000 GETs and
//    50 token exchanges).
// 2. Rotation of 200 pods x 20 objects, the freshness window off and on: Key Vault requests per round, all pods at
//    once (the driver's requiresRepublish) and one pod after another, against 4,000 for the Go model.
// 3. The server's peak RSS after scenario 1, and after 10,000 mounts by 500 identities (targets 64 and 96 MiB).
// Prints the tables and, last, one summary line. Talks only to loopback.

import AzureCore
import BenchSupport
import CSIProvider
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import IdentityProviders
import KeyVaultTesting
import Logging

typealias Sample = AzureEmulatorSeed.Sample

/// Writes a line to standard output at once (no buffering when piped).
func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
let latency: Duration = .milliseconds(20)
let objectCount = 20
let concurrency = 8
let identities = 500

let quiet = Logger(label: "csi-bench", factory: { _ in SwiftLogNoOpLogHandler() })

func ceilDiv(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
func percentile(_ values: [Duration], _ p: Double) -> Duration {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

/// What the scenarios share.
struct Context: Sendable {
    let emulators: AzureEmulators
    let work: URL
    let binary: URL
}

/// A provider process on its own socket.
final class ProviderProcess: @unchecked Sendable {
    let process: Process
    let socket: String

    init(process: Process, socket: String) {
        self.process = process
        self.socket = socket
    }

    static func start(_ context: Context, name: String, extra: [String] = []) async throws -> ProviderProcess {
        let emulators = context.emulators
        let work = context.work
        let binary = context.binary
        let socket = work.appendingPathComponent("\(name).sock").path
        let process = Process()
        process.executableURL = binary
        var environment = ProcessInfo.processInfo.environment
        environment["SSL_CERT_FILE"] = emulators.caFile.path
        environment["AZURE_AUTHORITY_HOST"] = emulators.entra.authorityHost.absoluteString
        process.environment = environment
        process.arguments = [
            "--endpoint=unix://\(socket)", "--healthz-port=0", "--healthz-address=127.0.0.1", "--metrics-port=0",
            "--metrics-address=127.0.0.1", "--concurrency=\(concurrency)", "--log-level=\(ProcessInfo.processInfo.environment["CSI_BENCH_LOG_LEVEL"] ?? "warning")",
            "--vault-url", "\(Sample.vaultName)=\(emulators.vaultURLs[Sample.vaultName]!.absoluteString)",
        ] + extra
        let log = work.appendingPathComponent("\(name).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        for _ in 0..<400 where !UnixSocketListener.isServing(at: socket) { try await Task.sleep(for: .milliseconds(25)) }
        return ProviderProcess(process: process, socket: socket)
    }

    var peakKiB: Int { PeakMemory.peakResidentKiB(pid: process.processIdentifier) ?? 0 }

    /// SIGTERM, then waits for the exit without blocking a cooperative thread.
    func stop() async {
        process.terminate()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }

    func withClient<T: Sendable>(_ body: @Sendable (V1alpha1_CSIDriverProvider.Client<HTTP2ClientTransport.Posix>) async throws -> T) async throws -> T {
        try await withGRPCClient(transport: .http2NIOPosix(target: .unixDomainSocket(path: socket), transportSecurity: .plaintext)) { client in
            try await body(V1alpha1_CSIDriverProvider.Client(wrapping: client))
        }
    }
}

func request(pod: Int, principal: AzureEmulatorSeed.Application = Sample.servicePrincipal) throws -> V1alpha1_MountRequest {
    let objects = "array:\n" + (0..<objectCount).map { "  - |\n    objectName: bench-\(String(format: "%02d", $0))\n    objectType: secret" }.joined(separator: "\n")
    let attributes = [
        "keyvaultName": Sample.vaultName, "tenantID": Sample.tenantID, "objects": objects, "secretProviderClass": "bench",
        "csi.storage.k8s.io/pod.name": "bench-\(pod)", "csi.storage.k8s.io/pod.namespace": "default",
        "csi.storage.k8s.io/pod.uid": UUID().uuidString.lowercased(), "csi.storage.k8s.io/ephemeral": "false",
    ]
    var request = V1alpha1_MountRequest()
    request.attributes = String(decoding: try JSONSerialization.data(withJSONObject: attributes), as: UTF8.self)
    request.secrets = String(decoding: try JSONSerialization.data(withJSONObject: ["clientid": principal.clientID, "clientsecret": principal.secret ?? ""]), as: UTF8.self)
    request.permission = "420"
    request.targetPath = "/var/lib/kubelet/pods/\(pod)/volumes/kubernetes.io~csi/secrets/mount"
    return request
}

func keyVaultRequests(_ emulators: AzureEmulators) async -> Int { await emulators.keyVault.counters(vault: Sample.vaultName).total }
func tokenRequests(_ emulators: AzureEmulators) async -> Int { await emulators.entra.faults.requestCount(pathPrefix: "/\(Sample.tenantID)/oauth2") }

/// Runs `count` mounts with at most `width` in flight; returns each one's latency.
func mounts(_ client: V1alpha1_CSIDriverProvider.Client<HTTP2ClientTransport.Posix>, count: Int, width: Int, request: @escaping @Sendable (Int) throws -> V1alpha1_MountRequest) async throws -> [Duration] {
    try await withThrowingTaskGroup(of: Duration.self) { group in
        var next = 0
        var latencies: [Duration] = []
        func start() throws {
            let index = next
            let message = try request(index)
            next += 1
            group.addTask {
                let started = ContinuousClock.now
                // As the driver's client: wait for the connection rather than fail fast.
                var options = CallOptions.defaults
                options.waitForReady = true
                let response = try await client.mount(message, options: options)
                precondition(response.files.count == objectCount, "a mount returned \(response.files.count) files")
                return ContinuousClock.now - started
            }
        }
        while next < min(width, count) { try start() }
        while let latency = try await group.next() {
            latencies.append(latency)
            if next < count { try start() }
        }
        return latencies
    }
}


// The seed: the sample plus 20 secrets of 1 KiB and 500 service principals that may read them.
var seed = AzureEmulatorSeed.sample
var principals: [AzureEmulatorSeed.Application] = []
for index in 0..<identities {
    let id = String(format: "%012d", index)
    principals.append(.init(
        name: "bench-sp-\(index)", clientID: "6c0a3c1e-0000-4000-8000-\(id)", objectID: "6c0a3c1e-0000-4000-9000-\(id)",
        secret: "bench-secret-\(index)"
    ))
}
seed.tenants[0].applications = (seed.tenants[0].applications ?? []) + principals
seed.vaults[0].roleAssignments = (seed.vaults[0].roleAssignments ?? [])
    + principals.map { .init(principalObjectID: $0.objectID, role: .secretsUser) }
let value = String(repeating: "x", count: 1024)
seed.vaults[0].secrets = (seed.vaults[0].secrets ?? []) + (0..<objectCount).map { .init(name: String(format: "bench-%02d", $0), value: value) }

let emulators = try await AzureEmulators.start(seed: seed, logger: quiet)
let context: Context
let work = URL(fileURLWithPath: "/tmp/csi-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("akv-csi-provider")
guard FileManager.default.isExecutableFile(atPath: binary.path) else {
    say("csi-bench: build akv-csi-provider first: swift build -c release --product akv-csi-provider")
    await emulators.stop()
    exit(2)
}
context = Context(emulators: emulators, work: work, binary: binary)

var summary: [String] = []
do {
    // The token exchange's own time, for the bound.
    let transport = try AsyncHTTPClientTransport(configuration: .init(caBundlePath: emulators.caFile.path), environment: [:])
    var tokenTimes: [Duration] = []
    for _ in 0..<5 {
        let credential = try ClientSecretCredential(
            tenantID: Sample.tenantID, clientID: Sample.servicePrincipal.clientID, secret: SecretString(Sample.servicePrincipal.secret ?? ""),
            options: CredentialOptions(transport: transport, authorityHost: emulators.entra.authorityHost)
        )
        let started = ContinuousClock.now
        // The Key Vault scope goes in the form body to the loopback Entra emulator; nothing is sent to Azure.
        _ = try await credential.getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
        tokenTimes.append(ContinuousClock.now - started)
    }
    try await transport.shutdown()
    let tokenTime = percentile(tokenTimes, 0.5)
    await emulators.keyVault.faultInjector.setLatency(latency)
    let bound = tokenTime + latency + latency * ceilDiv(objectCount, concurrency)

    // 1. 50 concurrent mounts, cold provider.
    let first = try await ProviderProcess.start(context, name: "s1")
    say("measuring 1: 50 concurrent mounts")
    let kv0 = await keyVaultRequests(emulators), tok0 = await tokenRequests(emulators)
    let latencies = try await first.withClient { client in try await mounts(client, count: 50, width: 50) { try request(pod: $0) } }
    let kv1 = await keyVaultRequests(emulators) - kv0, tok1 = await tokenRequests(emulators) - tok0
    let p50 = percentile(latencies, 0.5), p99 = percentile(latencies, 0.99)
    // The same 50 mounts again on the warm provider: token, challenge and connections are there.
    let warmLatencies = try await first.withClient { client in try await mounts(client, count: 50, width: 50) { try request(pod: $0) } }
    let warmBound = latency * ceilDiv(objectCount, concurrency)
    let warm50 = percentile(warmLatencies, 0.5), warm99 = percentile(warmLatencies, 0.99)
    let rssAfter1 = first.peakKiB
    var table = TextTable(
        "1. 50 concurrent Mount calls, 1 SecretProviderClass of \(objectCount) objects, 1 identity, L = \(Format.ms(latency)) ms, C = \(concurrency)",
        headers: ["", "this provider", "target", "Go provider's model"]
    )
    table.add(["Key Vault requests", "\(kv1)", "<= \(objectCount + 2)", "\(50 * objectCount)"])
    table.add(["token requests", "\(tok1)", "1", "50"])
    table.add(["p50 Mount latency", "\(Format.ms(p50)) ms (\(Format.fixed(Format.milliseconds(p50) / Format.milliseconds(bound), 2)) x bound)", "bound \(Format.ms(bound)) ms", "~\(Format.ms(latency * (objectCount + 1) + tokenTime)) ms sequential"])
    table.add(["p99 Mount latency", "\(Format.ms(p99)) ms (\(Format.fixed(Format.milliseconds(p99) / Format.milliseconds(bound), 2)) x bound)", "", ""])
    table.add(["warm p50 (50 more)", "\(Format.ms(warm50)) ms (\(Format.fixed(Format.milliseconds(warm50) / Format.milliseconds(warmBound), 2)) x bound)", "bound \(Format.ms(warmBound)) ms", ""])
    table.add(["warm p99", "\(Format.ms(warm99)) ms (\(Format.fixed(Format.milliseconds(warm99) / Format.milliseconds(warmBound), 2)) x bound)", "", ""])
    say(table.render())
    say("   bound = token exchange \(Format.ms(tokenTime)) ms + challenge \(Format.ms(latency)) ms + ceil(\(objectCount)/\(concurrency)) x \(Format.ms(latency)) ms")
    say("")
    await first.stop()
    summary.append("kv=\(kv1)/\(objectCount + 2)")
    summary.append("tokens=\(tok1)/1")
    summary.append("p50=\(Format.fixed(Format.milliseconds(p50) / Format.milliseconds(bound), 2))xbound")
    summary.append("p99=\(Format.fixed(Format.milliseconds(p99) / Format.milliseconds(bound), 2))xbound")

    // 2. Rotation of 200 pods.
    var rotation = TextTable(
        "2. Rotation: 200 pods x \(objectCount) objects, Key Vault requests per round (median of 3 rounds after a first)",
        headers: ["freshness window", "all pods at once", "one pod after another", "Go provider's model"]
    )
    for ttl in ["0", "60s"] {
        say("measuring 2: rotation, freshness window \(ttl)")
        let provider = try await ProviderProcess.start(context, name: "rot-\(ttl)", extra: ["--object-cache-ttl=\(ttl)"])
        let (burst, spread) = try await provider.withClient { client -> ([Int], [Int]) in
            var burst: [Int] = [], spread: [Int] = []
            _ = try await mounts(client, count: 1, width: 1) { try request(pod: $0) }
            for _ in 0..<3 {
                let before = await keyVaultRequests(emulators)
                _ = try await mounts(client, count: 200, width: 200) { try request(pod: $0) }
                burst.append(await keyVaultRequests(emulators) - before)
            }
            for _ in 0..<3 {
                let before = await keyVaultRequests(emulators)
                _ = try await mounts(client, count: 200, width: 1) { try request(pod: $0) }
                spread.append(await keyVaultRequests(emulators) - before)
            }
            return (burst, spread)
        }
        await provider.stop()
        let burstMedian = burst.sorted()[1], spreadMedian = spread.sorted()[1]
        rotation.add([ttl == "0" ? "off" : ttl, "\(burstMedian)", "\(spreadMedian)", "\(200 * objectCount)"])
        summary.append("rotation[ttl=\(ttl)]=\(burstMedian)+\(spreadMedian)/\(200 * objectCount)")
    }
    say(rotation.render())
    say("")

    // 3. Memory: 10,000 mounts by 500 identities (no added latency).
    await emulators.keyVault.faultInjector.setLatency(nil)
    say("measuring 3: 10,000 mounts by \(identities) identities")
    let big = try await ProviderProcess.start(context, name: "s3")
    let started = ContinuousClock.now
    let chosen = principals
    _ = try await big.withClient { client in
        try await mounts(client, count: 10_000, width: 32) { index in try request(pod: index, principal: chosen[index % identities]) }
    }
    let elapsed = ContinuousClock.now - started
    let rssAfter3 = big.peakKiB
    await big.stop()
    var memory = TextTable("3. Server peak RSS (VmHWM of the akv-csi-provider process)", headers: ["after", "peak RSS", "target"])
    memory.add(["scenario 1 (50 mounts, 1 identity)", "\(rssAfter1 / 1024) MiB", "<= 64 MiB"])
    memory.add(["10,000 mounts by \(identities) identities (\(Format.fixed(Format.milliseconds(elapsed) / 1000, 1)) s)", "\(rssAfter3 / 1024) MiB", "<= 96 MiB"])
    say(memory.render())
    say("")
    summary.append("rss1=\(rssAfter1 / 1024)MiB/64")
    summary.append("rss3=\(rssAfter3 / 1024)MiB/96")
} catch {
    say("csi-bench: \(error)")
    await emulators.stop()
    try? FileManager.default.removeItem(at: work)
    exit(1)
}
await emulators.stop()
if ProcessInfo.processInfo.environment["CSI_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(at: work) }
say("summary: " + summary.joined(separator: " "))
