import AzureCore
import Foundation
import HTTPTypes
import Logging
import Synchronization
import Testing
@testable import SecretsStoreProvider

/// Memory stays flat over 10,000 mounts, each by one of 500 identities (pod namespaces) with service-account tokens
/// that rotate: the caches hold at most their limits, and the process's resident memory stops growing once they
/// are full. Entra ID and Key Vault are answered in memory (no network), so only the provider's own state grows.
///
/// Not run under a sanitizer (`AKV_SANITIZER`, set by Scripts/sanitizers.sh): its shadow memory and histories grow with
/// every allocation, so resident memory there measures the sanitizer, not the caches.
@Suite(.serialized, .disabled(if: ProcessInfo.processInfo.environment["AKV_SANITIZER"] != nil, "resident memory under a sanitizer measures the sanitizer"))
struct BoundedMemoryTests {
    /// Answers Entra ID token requests and Key Vault GETs (a challenge without a token, the secret with one).
    final class InMemoryAzure: HTTPTransport {
        let tokenRequests = Mutex(0)
        let vaultRequests = Mutex(0)
        static let tenant = "11111111-2222-3333-4444-555555555555"

        func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
            let path = request.path ?? "/"
            if path.hasSuffix("/oauth2/v2.0/token") {
                let count = tokenRequests.withLock { $0 += 1; return $0 }
                return Self.json(200, #"{"token_type":"Bearer","expires_in":3600,"access_token":"token-\#(count)"}"#)
            }
            vaultRequests.withLock { $0 += 1 }
            guard request.headerFields[.authorization] != nil else {
                var response = HTTPResponse(status: .unauthorized)
                // The Key Vault resource name, as the challenge carries it; nothing is sent anywhere (in-memory).
                response.headerFields[.wwwAuthenticate] =
                    #"Bearer authorization="https://login.example.test/\#(Self.tenant)", resource="https://vault.azure.net""#
                return HTTPTransportResponse(response: response, body: Data())
            }
            let name = path.split(separator: "/").dropFirst().first.map(String.init) ?? "x"
            return Self.json(200, #"{"value":"value of \#(name)","id":"https://127.0.0.1:1/secrets/\#(name)/0123456789abcdef","attributes":{"enabled":true}}"#)
        }

        static func json(_ status: Int, _ text: String) -> HTTPTransportResponse {
            var response = HTTPResponse(status: .init(code: status))
            response.headerFields[.contentType] = "application/json"
            return HTTPTransportResponse(response: response, body: Data(text.utf8))
        }
    }

    static func residentBytes() -> Int {
        guard let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
            let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Int($0) })
        else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func request(identity: Int, round: Int) -> MountRequest {
        let objects = "array:\n" + (0..<3).map { "  - |\n    objectName: secret\($0)\n    objectType: secret" }.joined(separator: "\n")
        // A new service-account token each time the identity comes round again, as kubelet rotates them.
        let token = "sa-token-\(identity)-\(round)"
        let tokens = #"{"api://AzureADTokenExchange":{"token":"\#(token)","expirationTimestamp":"2099-01-01T00:00:00Z"}}"#
        return MountRequest(parameters: [
            "keyvaultName": "kv", "tenantID": InMemoryAzure.tenant, "clientID": "00000000-0000-0000-0000-000000000001",
            "objects": objects, "csi.storage.k8s.io/pod.name": "pod-\(identity)",
            "csi.storage.k8s.io/pod.namespace": "ns-\(identity)", "csi.storage.k8s.io/serviceAccount.tokens": tokens,
        ])
    }

    /// Set in the child process that measures: resident memory is process-wide, so the measurement runs alone in a
    /// process of its own (the test binary again, filtered to this suite), not beside the other suites' allocations.
    static let isMeasuringChild = ProcessInfo.processInfo.environment["AKV_BOUNDED_MEMORY_CHILD"] == "1"

    @Test(.enabled(if: !isMeasuringChild, "the measurement itself runs in the child"))
    func measuredInAProcessOfItsOwn() async throws {
        let binary = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0])
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "the test binary is \(binary.path)")
        let process = Process()
        process.executableURL = binary
        process.arguments = ["--testing-library", "swift-testing", "--filter", "BoundedMemoryTests"]
        var environment = ProcessInfo.processInfo.environment
        environment["AKV_BOUNDED_MEMORY_CHILD"] = "1"
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let (status, text): (Int32, String) = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let data = output.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: data, as: UTF8.self)))
            }
        }
        #expect(status == 0, "\(text)")
        #expect(text.contains("tenThousandMountsByFiveHundredRotatingIdentities() passed"), "the measurement ran and passed in the child: \(text)")
    }

    @Test(.enabled(if: isMeasuringChild, "runs in a process of its own, started by measuredInAProcessOfItsOwn"))
    func tenThousandMountsByFiveHundredRotatingIdentities() async throws {
        let transport = InMemoryAzure()
        let limits = ProviderCacheLimits(
            identities: CacheLimits(maximumEntries: 200, idleTimeout: .seconds(3600)),
            clients: CacheLimits(maximumEntries: 200, idleTimeout: .seconds(3600)),
            pinnedVersions: CacheLimits(maximumEntries: 100, idleTimeout: .seconds(3600)),
            freshObjects: CacheLimits(maximumEntries: 300, idleTimeout: .seconds(3600))
        )
        let provider = KeyVaultProvider(configuration: ProviderConfiguration(
            transport: transport, authorityHost: URL(string: "https://login.example.test"),
            vaultURLs: ["kv": URL(string: "https://127.0.0.1:1/")!], verifyChallengeResource: false,
            objectCacheTTL: .seconds(60), cacheLimits: limits,
            logger: Logger(label: "memory", factory: { _ in SwiftLogNoOpLogHandler() })
        ))
        var resident: [Int] = []
        for mount in 0..<10_000 {
            let identity = mount % 500
            let result = try await provider.fetch(Self.request(identity: identity, round: mount / 500))
            #expect(result.files.count == 3)
            if mount % 2000 == 1999 { resident.append(Self.residentBytes()) }
        }
        let stats = await provider.cacheStatistics
        #expect(stats.identities <= 200 && stats.clients <= 200 && stats.freshObjects <= 300 && stats.pinnedVersions <= 100)
        #expect(stats.inFlight == 0)
        // Every mount rotated its token: one exchange each, and the freshness window never served a new proof.
        #expect(transport.tokenRequests.withLock { $0 } == 10_000)
        // After the first 2,000 mounts the caches are full; the rest must not grow the process by more than 8 MiB.
        let growth = (resident.last ?? 0) - (resident.first ?? 0)
        #expect(growth < 8 * 1024 * 1024, "resident memory grew by \(growth / 1024) KiB from mount 2,000 to 10,000: \(resident.map { $0 / 1024 })")
    }
}
