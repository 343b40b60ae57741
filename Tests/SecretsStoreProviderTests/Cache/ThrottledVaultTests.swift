import AzureCore
import Foundation
import KeyVaultTesting
import MountWriter
import Testing
@testable import SecretsStoreProvider

/// A throttled vault: the mount adapts (the shared limit falls, Retry-After is waited out) and completes; a mount
/// that cannot finish within the retry budget fails as a whole, says how many 429s it saw, and leaves the files as
/// they were.
@Suite(.serialized) struct ThrottledVaultTests {
    typealias Sample = AzureEmulatorSeed.Sample

    static func objects(_ count: Int) -> [String] {
        (0..<count).map { "objectName: t\($0)\nobjectType: secret" }
    }

    @Test func adaptsToARateLimitAndCompletes() async throws {
        try await EmulatedMount.run(configure: { $0.maxConcurrentRequests = 8 }) { env in
            for index in 0..<24 { try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "t\(index)", value: "v\(index)") }
            let request = try env.request(.servicePrincipal(), objects: Self.objects(24))
            _ = try await env.provider.fetch(try env.request(.servicePrincipal(), objects: ["objectName: t0\nobjectType: secret"]))
            // 24 requests at 10 a window: throttled unless sending 10 takes longer than the window, which a sanitizer's
            // slowdown (Scripts/sanitizers.sh) can make it, so the window is longer there.
            let sanitized = ProcessInfo.processInfo.environment["AKV_SANITIZER"] != nil
            try await env.emulators.keyVault.setThrottling(
                vault: Sample.vaultName,
                KeyVaultThrottling(requestsPerWindow: 10, windowSeconds: sanitized ? 4 : 1, retryAfterSeconds: sanitized ? 4 : 1)
            )
            let result = try await env.provider.fetch(request)
            #expect(result.files.count == 24)
            #expect(result.files.first { $0.path == "t23" }?.contents == Array("v23".utf8))
            let counters = await env.emulators.keyVault.counters(vault: Sample.vaultName)
            #expect((counters.byStatus[429] ?? 0) > 0, "the vault did throttle")
            let limit = try #require(await env.provider.currentRequestLimit(vaultURL: env.emulators.vaultURLs[Sample.vaultName]!))
            #expect(limit < 8, "the shared limit came down from the ceiling")
            try await env.emulators.keyVault.setThrottling(vault: Sample.vaultName, nil)
        }
    }

    @Test func throttlingBeyondTheBudgetFailsWholeAndSaysHowOften() async throws {
        try await EmulatedMount.run { env in
            let request = try env.request(.servicePrincipal(), objects: ["objectName: secret1\nobjectType: secret", "objectName: ExampleSecret\nobjectType: secret"])
            let directory = env.directory("throttled")
            _ = try await env.provider.mount(request, into: directory)
            let before = try MountWriter.AtomicDirectoryWriter(targetDirectory: directory).readProjection()
            try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "secret1", value: "new value")
            // Retry-After beyond the retry budget: the first 429 ends the mount.
            try await env.emulators.keyVault.setThrottling(
                vault: Sample.vaultName, KeyVaultThrottling(requestsPerWindow: 0, windowSeconds: 600, retryAfterSeconds: 300)
            )
            let error = try #require(await providerError { _ = try await env.provider.mount(request, into: directory) })
            #expect(error.message.contains("Key Vault answered 429"), "\(error.message)")
            #expect(try MountWriter.AtomicDirectoryWriter(targetDirectory: directory).readProjection() == before, "the previous files are intact")
            try await env.emulators.keyVault.setThrottling(vault: Sample.vaultName, nil)
        }
    }
}
