import AzureCoreTesting
import Foundation
import KeyVaultTesting
import MountWriter
import Testing
@testable import SecretsStoreProvider

/// Rotation against the emulators: exactly the changed files are rewritten, pinned versions are not fetched again,
/// and a Key Vault failure mid-rotation leaves the previous files intact.
@Suite(.serialized) struct RotationMountTests {
    typealias Sample = AzureEmulatorSeed.Sample

    static let objects = [
        "objectName: secret1\nobjectType: secret",
        "objectName: ExampleSecret\nobjectType: secret",
        "objectName: key1\nobjectType: key",
    ]

    @Test func rewritesExactlyTheChangedFile() async throws {
        try await EmulatedMount.run { env in
            let directory = env.directory("rotate")
            let request = try env.request(.addon, objects: Self.objects)
            let first = try await env.provider.mount(request, into: directory)
            #expect(first.write.changed)
            let unchanged = try await env.provider.mount(request, into: directory)
            #expect(!unchanged.write.changed)
            #expect(unchanged.write.dataDirectory == first.write.dataDirectory)
            try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "ExampleSecret", value: "rotated")
            let second = try await env.provider.mount(request, into: directory)
            #expect(second.write.changed)
            #expect(second.write.updated == ["ExampleSecret"])
            #expect(second.write.added.isEmpty && second.write.removed.isEmpty)
            #expect(try env.read(directory, "ExampleSecret") == "rotated")
            #expect(try env.read(directory, "secret1") == "secret1 version 2")
        }
    }

    @Test func failureMidRotationLeavesThePreviousFilesIntact() async throws {
        try await EmulatedMount.run { env in
            let directory = env.directory("rotate-fail")
            let request = try env.request(.workload(), objects: Self.objects)
            _ = try await env.provider.mount(request, into: directory)
            let writer = AtomicDirectoryWriter(targetDirectory: directory)
            let before = try writer.readProjection()
            // A new value for secret1, and ExampleSecret disabled: the mount fails after secret1 succeeded.
            try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "secret1", value: "would be new")
            try await env.emulators.keyVault.disable(vault: Sample.vaultName, secret: "ExampleSecret")
            let error = try #require(await providerError { _ = try await env.provider.mount(request, into: directory) })
            do {
                #expect(error.code == .fetchFailed)
                #expect(error.message.contains("ExampleSecret"))
            }
            #expect(try writer.readProjection() == before)
            #expect(try env.read(directory, "secret1") == "secret1 version 2")
            // Key Vault answering 500 on every request: also nothing changes.
            await env.emulators.keyVault.faultInjector.setPersistentFault(Self.serverError(500))
            await #expect(throws: SecretsStoreProviderError.self) { try await env.provider.mount(request, into: directory) }
            #expect(try writer.readProjection() == before)
        }
    }

    /// Rounds are driven by the test: the loop sleeps on a ``TestClock`` after each event, and the test changes the
    /// faults between rounds before it advances the clock by the wait the loop asked for.
    @Test(.timeLimit(.minutes(1))) func rotationLoopReportsFailuresAndRecovers() async throws {
        try await EmulatedMount.run { env in
            let directory = env.directory("loop")
            let request = try env.request(.servicePrincipal(), objects: ["objectName: ExampleSecret\nobjectType: secret"])
            let provider = env.provider
            let kv = env.emulators.keyVault
            let policy = RotationPolicy(interval: .seconds(120), rounds: 5)
            let clock = TestClock()
            let (events, reported) = AsyncStream.makeStream(of: RotationEvent.self)
            var log: [String] = []
            var retries: [Duration] = []
            var waits: [Duration] = []
            try await withThrowingTaskGroup { group in
                group.addTask {
                    defer { reported.finish() }
                    try await provider.rotate({ request }, into: directory, policy: policy, clock: clock) { reported.yield($0) }
                }
                for await event in events {
                    switch event {
                    case .mounted(let round, let outcome):
                        log.append("\(round):ok:\(outcome.write.changed)")
                        // Key Vault fails rounds 2 and 3.
                        if round == 1 { await kv.faultInjector.setPersistentFault(Self.serverError(503)) }
                    case .failed(let round, _, let retryIn):
                        log.append("\(round):failed:\(retryIn > policy.interval)")
                        retries.append(retryIn)
                        if round == 3 { await kv.faultInjector.setPersistentFault(nil) }
                    }
                    guard log.count < 5 else { continue }
                    let wait = try await clock.nextSleep()
                    waits.append(wait)
                    clock.advance(by: wait)
                }
                try await group.waitForAll()
            }
            #expect(log.first == "1:ok:true")
            #expect(log.contains { $0.hasSuffix(":failed:true") }, "\(log)")
            #expect(log.last?.contains(":ok:false") == true, "\(log)")
            #expect(log == ["1:ok:true", "2:failed:true", "3:failed:true", "4:ok:false", "5:ok:false"])
            // The backoff doubles with each failure and falls back to the interval after a success; the loop waits
            // exactly what it reported.
            #expect(retries == [.seconds(240), .seconds(480)])
            #expect(waits == [.seconds(120), .seconds(240), .seconds(480), .seconds(120)])
            #expect(try env.read(directory, "ExampleSecret") == "MyAKSExampleSecret")
        }
    }

    @Test func pinnedVersionIsNotFetchedAgain() async throws {
        try await EmulatedMount.run { env in
            let versions = await env.emulators.keyVault.secretVersions(vault: Sample.vaultName, name: "secret1")
            let request = try env.request(.servicePrincipal(), objects: ["objectName: secret1\nobjectType: secret\nobjectVersion: \(versions[0])"])
            let directory = env.directory("pinned")
            _ = try await env.provider.mount(request, into: directory)
            let counted = await env.emulators.keyVault.counters(vault: Sample.vaultName).total
            _ = try await env.provider.mount(request, into: directory)
            _ = try await env.provider.mount(request, into: directory)
            #expect(await env.emulators.keyVault.counters(vault: Sample.vaultName).total == counted)
            #expect(try env.read(directory, "secret1") == "secret1 version 1")
        }
    }

    /// A server error on every Key Vault request. The Key Vault client retries it (four attempts, as in production),
    /// but `x-ms-retry-after-ms: 0` makes it retry at once instead of after the default backoff (0.8 + 1.6 + 3.2 s,
    /// waited in real time: the provider's retry clock is not injectable).
    static func serverError(_ status: Int) -> FaultInjector.Fault {
        .status(status, headers: ["x-ms-retry-after-ms": "0"])
    }
}
