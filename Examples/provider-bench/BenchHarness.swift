import AzureCoreTesting
import AzureCore
import Foundation
import KeyVaultTesting
import Logging
import SecretsStoreProvider

/// One object of the benchmark's SecretProviderClass: a seeded secret, optionally pinned to a version.
struct BenchObject: Sendable {
    var name: String
    var version: String?
}

/// The emulators (sample seed plus the benchmark's secrets), transports and providers configured for them,
/// request builders, and request counting.
struct BenchHarness {
    typealias Sample = AzureEmulatorSeed.Sample

    /// The identities a mount can use.
    enum Identity: String {
        case servicePrincipal = "service principal"
        case workload = "workload identity"
        case userAssigned = "user-assigned MI"
    }

    let emulators: AzureEmulators
    let logger: Logger
    let root: URL
    /// Secret name to its (only) version, for every seeded secret.
    let versions: [String: String]
    /// Secret names in seeding order.
    let names: [String]

    /// Starts the emulators with the sample seed and stores `count` secrets of `valueBytes` bytes each
    /// (`bench-000`, `bench-001`, ...) in the sample vault. The emulators are stopped again when seeding fails.
    static func start(logger: Logger, count: Int, valueBytes: Int) async throws -> BenchHarness {
        let emulators = try await AzureEmulators.start(seed: .sample, logger: logger)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("provider-bench-\(UUID().uuidString.lowercased())")
        do {
            let (names, versions) = try await seed(emulators, count: count, valueBytes: valueBytes)
            return BenchHarness(emulators: emulators, logger: logger, root: root, versions: versions, names: names)
        } catch {
            await emulators.stop()
            throw error
        }
    }

    /// Stops the emulators and removes the mount folders.
    func stop() async {
        await emulators.stop()
        try? FileManager.default.removeItem(at: root)
    }

    private static func seed(
        _ emulators: AzureEmulators, count: Int, valueBytes: Int
    ) async throws -> (names: [String], versions: [String: String]) {
        var names: [String] = []
        var versions: [String: String] = [:]
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        for index in 0..<count {
            let name = String(format: "bench-%03d", index)
            var value = ""
            value.reserveCapacity(valueBytes)
            var state = UInt64(index) &* 0x9E37_79B9_7F4A_7C15 &+ 1
            for _ in 0..<valueBytes {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                value.append(alphabet[Int(state % UInt64(alphabet.count))])
            }
            let version = try await emulators.keyVault.setSecret(vault: Sample.vaultName, name: name, value: value)
            versions[name] = version
            names.append(name)
        }
        return (names, versions)
    }

    /// The first `count` seeded secrets, the first `pinned` of them pinned to their version.
    func objects(count: Int, pinned: Int = 0) -> [BenchObject] {
        names.prefix(count).enumerated().map { index, name in
            BenchObject(name: name, version: index < pinned ? versions[name] : nil)
        }
    }

    /// A transport trusting the emulators' CA.
    /// - Parameter connectionsPerHost: The connection pool size per host (AsyncHTTPClient's soft limit).
    func makeTransport(connectionsPerHost: Int = 8) throws -> AsyncHTTPClientTransport {
        try AsyncHTTPClientTransport(
            configuration: .init(
                caBundlePath: emulators.caFile.path, ignoresEnvironmentProxy: true, maximumConnectionsPerHost: connectionsPerHost
            ),
            environment: [:]
        )
    }

    /// A new provider (no cached credential, challenge or pinned content) configured for the emulators.
    func makeProvider(transport: AsyncHTTPClientTransport, concurrency: Int) -> KeyVaultProvider {
        KeyVaultProvider(configuration: ProviderConfiguration(
            transport: transport,
            authorityHost: emulators.entra.authorityHost,
            imdsEndpoint: emulators.imds.endpoint,
            vaultURLs: emulators.vaultURLs,
            verifyChallengeResource: false,
            maxConcurrentRequests: concurrency,
            logger: logger
        ))
    }

    /// A mount request for the objects, with an identity of the sample seed.
    func request(_ objects: [BenchObject], identity: Identity = .servicePrincipal) throws -> MountRequest {
        var entries: [String] = []
        for object in objects {
            var entry = "  - |\n    objectName: \(object.name)\n    objectType: secret"
            if let version = object.version { entry += "\n    objectVersion: \(version)" }
            entries.append(entry)
        }
        var parameters: [String: String] = [
            "keyvaultName": Sample.vaultName,
            "tenantID": Sample.tenantID,
            "objects": "array:\n" + entries.joined(separator: "\n"),
            "csi.storage.k8s.io/pod.name": "bench-pod",
            "csi.storage.k8s.io/pod.namespace": Sample.serviceAccountNamespace,
        ]
        var secrets: [String: String] = [:]
        switch identity {
        case .servicePrincipal:
            secrets = ["clientid": Sample.servicePrincipal.clientID, "clientsecret": Sample.servicePrincipal.secret ?? ""]
        case .workload:
            // The token the emulators minted at start, handed again on every mount as kubelet's token manager
            // does until it refreshes the token.
            let key = "\(Sample.serviceAccountNamespace)/\(Sample.serviceAccountName)"
            guard let file = emulators.serviceAccountTokenFiles[key] else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: key])
            }
            let token = try String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            let json = try JSONSerialization.data(withJSONObject: [
                "api://AzureADTokenExchange": ["token": token, "expirationTimestamp": "2099-01-01T00:00:00Z"],
            ])
            parameters["clientID"] = Sample.workloadIdentity.clientID
            parameters["csi.storage.k8s.io/serviceAccount.tokens"] = String(decoding: json, as: UTF8.self)
        case .userAssigned:
            parameters["useVMManagedIdentity"] = "true"
            parameters["userAssignedIdentityID"] = Sample.userAssignedIdentity.clientID
        }
        return MountRequest(parameters: parameters, secrets: secrets)
    }

    /// A fresh mount folder.
    func directory(_ name: String) -> String { root.appendingPathComponent(name).path }

    /// The requests counted so far.
    func counts() async -> RequestCounts {
        let vault = await emulators.keyVault.counters(vault: Sample.vaultName)
        return RequestCounts(
            keyVault: vault.total,
            challenges: vault.byStatus[401] ?? 0,
            entraTokens: await emulators.entra.faults.requestCount(pathPrefix: "/\(Sample.tenantID)/oauth2/v2.0/token"),
            imdsTokens: await emulators.imds.faults.requestCount(pathPrefix: IMDSEmulator.tokenPath)
        )
    }

    /// Sets the latency added to every Key Vault request.
    func setKeyVaultLatency(_ latency: Duration?) async {
        await emulators.keyVault.faultInjector.setLatency(latency)
    }
}
