import AzureCoreTesting
import AzureCore
import Foundation
import KeyVaultTesting
import MountWriter
import Testing
@testable import SecretsStoreProvider

/// Mounts share work: concurrent mounts of one identity and proof get each object from one Key Vault request, the
/// freshness window serves a current version again without a request, and nothing crosses identities or proofs.
@Suite(.serialized) struct SharedWorkTests {
    typealias Sample = AzureEmulatorSeed.Sample
    static let objects = [
        "objectName: secret1\nobjectType: secret", "objectName: ExampleSecret\nobjectType: secret", "objectName: key1\nobjectType: key",
    ]

    /// Key Vault object requests answered 200 (challenge discoveries, answered 401, are not counted).
    static func secretGets(_ env: EmulatedMount) async -> Int {
        let counters = await env.emulators.keyVault.counters(vault: Sample.vaultName)
        return counters.byStatusAndPath.filter { $0.key.hasPrefix("200 /secrets/") || $0.key.hasPrefix("200 /keys/") }.values.reduce(0, +)
    }

    static func outcome(_ body: () async throws -> MountResult) async -> Result<MountResult, SecretsStoreProviderError> {
        do {
            return .success(try await body())
        } catch let error as SecretsStoreProviderError {
            return .failure(error)
        } catch {
            Issue.record("not a SecretsStoreProviderError: \(error)")
            return .failure(SecretsStoreProviderError(.fetchFailed, "\(error)"))
        }
    }

    @Test func concurrentMountsShareOneRequestPerObject() async throws {
        try await EmulatedMount.run { env in
            let request = try env.request(.servicePrincipal(), objects: Self.objects)
            _ = try await env.provider.fetch(request)  // token and challenge
            await env.emulators.keyVault.resetCounters(vault: Sample.vaultName)
            // Long enough for all 20 mounts to reach the shared fetch while it runs; a sanitizer (Scripts/sanitizers.sh)
            // slows reaching it several times over.
            let sanitized = ProcessInfo.processInfo.environment["AKV_SANITIZER"] != nil
            await env.emulators.keyVault.faultInjector.setLatency(sanitized ? .seconds(2) : .milliseconds(300))
            let results = try await withThrowingTaskGroup(of: MountResult.self) { group in
                for _ in 0..<20 { group.addTask { try await env.provider.fetch(request) } }
                var all: [MountResult] = []
                for try await result in group { all.append(result) }
                return all
            }
            await env.emulators.keyVault.faultInjector.setLatency(nil)
            #expect(results.count == 20 && Set(results).count == 1, "every mount got the same files")
            #expect(results[0].files.first { $0.path == "secret1" }?.contents == Array("secret1 version 2".utf8))
            let gets = await Self.secretGets(env)
            #expect(gets == 3, "20 concurrent mounts of 3 objects made \(gets) Key Vault requests")
        }
    }

    @Test func sharedPathNeverCrossesProofsOrNamespaces() async throws {
        try await EmulatedMount.run { env in
            let right = try env.request(.servicePrincipal(), objects: Self.objects)
            let wrong = try env.request(.servicePrincipal(secret: "not-the-secret"), objects: Self.objects)
            var otherNamespace = right
            otherNamespace.parameters["csi.storage.k8s.io/pod.namespace"] = "other"
            _ = try await env.provider.fetch(right)
            await env.emulators.keyVault.resetCounters(vault: Sample.vaultName)
            // Long enough for all 20 mounts to reach the shared fetch while it runs; a sanitizer (Scripts/sanitizers.sh)
            // slows reaching it several times over.
            let sanitized = ProcessInfo.processInfo.environment["AKV_SANITIZER"] != nil
            await env.emulators.keyVault.faultInjector.setLatency(sanitized ? .seconds(2) : .milliseconds(300))
            async let a = env.provider.fetch(right)
            async let b = Self.outcome { () async throws -> MountResult in try await env.provider.fetch(wrong) }
            async let c = env.provider.fetch(otherNamespace)
            let (first, intruder, third) = try await (a, b, c)
            await env.emulators.keyVault.faultInjector.setLatency(nil)
            #expect(first.files.count == 3 && third.files.count == 3)
            switch intruder {
            case .success: Issue.record("a wrong secret received contents fetched with the right one")
            case .failure(let error): #expect(error.message.contains("AADSTS7000215"), "\(error.message)")
            }
            // The other namespace is another identity scope: its own requests, not a share of the first mount's; the
            // wrong secret got no answer at all.
            let gets = await Self.secretGets(env)
            #expect(gets == 6, "two scopes of 3 objects made \(gets) requests")
        }
    }

    @Test func freshnessWindowServesAgainThenSeesTheChange() async throws {
        try await EmulatedMount.run(configure: { $0.objectCacheTTL = .seconds(2) }) { env in
            let request = try env.request(.servicePrincipal(), objects: Self.objects)
            _ = try await env.provider.fetch(request)
            await env.emulators.keyVault.resetCounters(vault: Sample.vaultName)
            try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "secret1", value: "changed")
            let within = try await env.provider.fetch(request)
            #expect(await Self.secretGets(env) == 0, "within the window: no request")
            #expect(within.files.first { $0.path == "secret1" }?.contents == Array("secret1 version 2".utf8), "the window's trade-off")
            try await Task.sleep(for: .milliseconds(2200))
            let after = try await env.provider.fetch(request)
            #expect(await Self.secretGets(env) == 3)
            #expect(after.files.first { $0.path == "secret1" }?.contents == Array("changed".utf8))
        }
    }

    @Test func withoutTheWindowEveryMountAsksKeyVault() async throws {
        try await EmulatedMount.run { env in
            let request = try env.request(.servicePrincipal(), objects: Self.objects)
            _ = try await env.provider.fetch(request)
            await env.emulators.keyVault.resetCounters(vault: Sample.vaultName)
            try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "secret1", value: "changed")
            let next = try await env.provider.fetch(request)
            #expect(await Self.secretGets(env) == 3)
            #expect(next.files.first { $0.path == "secret1" }?.contents == Array("changed".utf8))
        }
    }

    @Test func aBlockedWriteDoesNotStallOtherMounts() async throws {
        try await EmulatedMount.run { env in
            let request = try env.request(.servicePrincipal(), objects: Self.objects)
            let directory = env.directory("locked")
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // Another process's writer holds the target's lock: this mount's write waits for it.
            let lock = open(directory, O_RDONLY | O_DIRECTORY)
            #expect(flock(lock, LOCK_EX) == 0)
            async let blocked = env.provider.mount(request, into: directory)
            try await Task.sleep(for: .milliseconds(500))
            // Meanwhile the provider serves other mounts.
            let started = ContinuousClock.now
            let other = try await env.provider.mount(request, into: env.directory("free"))
            #expect(other.write.changed)
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(!FileManager.default.fileExists(atPath: directory + "/secret1"), "the blocked write has not happened yet")
            flock(lock, LOCK_UN)
            close(lock)
            let outcome = try await blocked
            #expect(outcome.write.changed)
            #expect(try env.read(directory, "secret1") == "secret1 version 2")
        }
    }
}
