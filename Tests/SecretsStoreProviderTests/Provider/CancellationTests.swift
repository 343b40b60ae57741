import AzureCoreTesting
import Foundation
import KeyVaultTesting
import Testing
@testable import SecretsStoreProvider

/// A cancelled mount throws `CancellationError`, as every layer does, and writes nothing.
@Suite struct CancellationTests {
    @Test func aCancelledMountThrowsCancellationErrorAndWritesNothing() async throws {
        try await EmulatedMount.run { env in
            let target = env.directory("cancelled")
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            await env.emulators.keyVault.faultInjector.setLatency(.seconds(20))
            let request = try env.request(.servicePrincipal(), objects: ["objectName: ExampleSecret\nobjectType: secret"])
            let provider = env.provider
            let task = Task { try await provider.mount(request, into: target) }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let started = ContinuousClock.now
            await #expect(throws: CancellationError.self) { try await task.value }
            #expect(ContinuousClock.now - started < .seconds(10), "the mount stopped at the cancellation, not at the latency")
            #expect(try FileManager.default.contentsOfDirectory(atPath: target).isEmpty)
            await env.emulators.keyVault.faultInjector.setLatency(nil)
        }
    }
}
