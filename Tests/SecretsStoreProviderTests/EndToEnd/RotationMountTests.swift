import AzureCoreTesting
import Foundation
import KeyVaultTesting
import MountWriter
import Synchronization
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
            await env.emulators.keyVault.faultInjector.setPersistentFault(.status(500))
            await #expect(throws: SecretsStoreProviderError.self) { try await env.provider.mount(request, into: directory) }
            #expect(try writer.readProjection() == before)
        }
    }

    @Test func rotationLoopReportsFailuresAndRecovers() async throws {
        try await EmulatedMount.run { env in
            let directory = env.directory("loop")
            let request = try env.request(.servicePrincipal(), objects: ["objectName: ExampleSecret\nobjectType: secret"])
            let events = Mutex<[String]>([])
            let kv = env.emulators.keyVault
            try await env.provider.rotate({ request }, into: directory, policy: RotationPolicy(interval: .milliseconds(20), rounds: 4)) { event in
                switch event {
                case .mounted(let round, let outcome):
                    events.withLock { $0.append("\(round):ok:\(outcome.write.changed)") }
                    if round == 1 {
                        Task { await kv.faultInjector.setPersistentFault(.status(503)) }
                    }
                case .failed(let round, _, let retryIn):
                    events.withLock { $0.append("\(round):failed:\(retryIn > .milliseconds(20))") }
                    Task { await kv.faultInjector.setPersistentFault(nil) }
                }
            }
            let log = events.withLock { $0 }
            #expect(log.first == "1:ok:true")
            #expect(log.contains { $0.hasSuffix(":failed:true") }, "\(log)")
            #expect(log.last?.contains(":ok:false") == true, "\(log)")
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
}
