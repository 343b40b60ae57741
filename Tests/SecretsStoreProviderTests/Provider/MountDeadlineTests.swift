import AzureCoreTesting
import Foundation
import KeyVaultTesting
import SecretsStoreProvider
import Testing

/// One overall deadline per mount, honoured by every wait: a vault that never answers, the target's lock held by
/// another process, and a cancellation while waiting for that lock.
@Suite struct MountDeadlineTests {
    typealias Sample = AzureEmulatorSeed.Sample
    static let objects = ["objectName: secret1\nobjectType: secret"]

    @Test func aSlowVaultEndsAtTheDeadlineWithThePreviousFilesIntact() async throws {
        try await EmulatedMount.run(configure: { $0.mountTimeout = .seconds(10) }) { env in
            let request = try env.request(.servicePrincipal(), objects: Self.objects)
            let target = env.directory("slow")
            _ = try await env.provider.mount(request, into: target)
            await env.emulators.keyVault.faultInjector.setLatency(.seconds(300))
            let started = ContinuousClock.now
            let error = await #expect(throws: SecretsStoreProviderError.self) { try await env.provider.mount(request, into: target) }
            #expect(error?.code == .timedOut, "\(String(describing: error))")
            #expect(error?.message.contains("deadline of 10s") == true, "\(String(describing: error))")
            #expect(ContinuousClock.now - started < .seconds(60), "the deadline, not the 300 s latency")
            #expect(try env.read(target, "secret1") == "secret1 version 2", "the previous files are intact")
            await env.emulators.keyVault.faultInjector.setLatency(nil)
        }
    }

    @Test func aHeldLockEndsAtTheDeadlineAndACancelledWaitStopsAtOnce() async throws {
        try await EmulatedMount.run(configure: { $0.mountTimeout = .seconds(10) }) { env in
            let request = try env.request(.servicePrincipal(), objects: Self.objects)
            let target = env.directory("locked")
            _ = try await env.provider.mount(request, into: target)
            let lock = open(target, O_RDONLY | O_DIRECTORY)
            #expect(flock(lock, LOCK_EX) == 0)
            defer { flock(lock, LOCK_UN); close(lock) }
            try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "secret1", value: "changed")
            let error = await #expect(throws: SecretsStoreProviderError.self) { try await env.provider.mount(request, into: target) }
            #expect(error?.code == .timedOut, "\(String(describing: error))")
            #expect(try env.read(target, "secret1") == "secret1 version 2")

            // A rotating akv-mount got SIGTERM while blocked in flock and ignored it: cancellation now ends the wait.
            let task = Task { try await env.provider.mount(request, into: target) }
            try await Task.sleep(for: .milliseconds(300))
            let cancelled = ContinuousClock.now
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(ContinuousClock.now - cancelled < .seconds(1.5), "the lock wait noticed the cancellation")
            #expect(try env.read(target, "secret1") == "secret1 version 2")
        }
    }
}
