import AzureCore
import AzureCoreTesting
import Foundation
import KeyVaultTesting
import MountWriter
import SecretsStoreProvider
import Testing

/// The fault table: each fault of the emulators' fault injection against a mount that already has files on disk.
/// Every row must end within its deadline, either with the new contents (survived) or with a clean failure, and
/// the files on disk are always one complete set: the previous one after a failure, the new one after a success.
/// The test prints the table (the README's reliability section shows it).
@Suite(.serialized) struct FaultTableTests {
    typealias Sample = AzureEmulatorSeed.Sample

    struct Row {
        var fault: String
        var expectation: Expectation
        var deadline: Duration
        var identity: EmulatedMount.Identity = .servicePrincipal()
        /// Installs the fault; gets the emulators.
        var install: @Sendable (AzureEmulators) async throws -> Void
    }

    enum Expectation: String { case survives = "survives", failsCleanly = "fails cleanly", either = "either" }

    static let rows: [Row] = [
        Row(fault: "latency spike (400 ms on every request)", expectation: .survives, deadline: .seconds(20)) {
            await $0.keyVault.faultInjector.setLatency(.milliseconds(400))
        },
        Row(fault: "429 storm with Retry-After: 1 (3 answers)", expectation: .survives, deadline: .seconds(20)) {
            await $0.keyVault.faultInjector.enqueue(Array(repeating: .throttled(retryAfterSeconds: 1), count: 3), pathPrefix: "/secrets")
        },
        Row(fault: "429 storm without Retry-After (2 answers)", expectation: .survives, deadline: .seconds(20)) {
            await $0.keyVault.faultInjector.enqueue(Array(repeating: .throttled(), count: 2), pathPrefix: "/secrets")
        },
        Row(fault: "429 without end, Retry-After: 100", expectation: .failsCleanly, deadline: .seconds(10)) {
            await $0.keyVault.faultInjector.setPersistentFault(.throttled(retryAfterSeconds: 100), pathPrefix: "/secrets")
        },
        Row(fault: "5xx burst (500, 503, 502)", expectation: .survives, deadline: .seconds(20)) {
            await $0.keyVault.faultInjector.enqueue([.status(500), .status(503), .status(502)], pathPrefix: "/secrets")
        },
        Row(fault: "connection reset mid-body (once)", expectation: .survives, deadline: .seconds(20)) {
            await $0.keyVault.faultInjector.enqueue([.resetMidBody], pathPrefix: "/secrets")
        },
        Row(fault: "trickled body (1 byte every 2 s)", expectation: .failsCleanly, deadline: .seconds(3)) {
            await $0.keyVault.faultInjector.setPersistentFault(.trickle(byteInterval: .seconds(2)), pathPrefix: "/secrets")
        },
        Row(fault: "server that never answers", expectation: .failsCleanly, deadline: .seconds(3)) {
            await $0.keyVault.faultInjector.setLatency(.seconds(3600))
        },
        Row(fault: "token endpoint down (503)", expectation: .failsCleanly, deadline: .seconds(5)) {
            await $0.entra.faults.setPersistentFault(.status(503))
        },
        Row(fault: "IMDS 410 then 200", expectation: .survives, deadline: .seconds(30), identity: .userAssigned) {
            await $0.imds.faults.enqueue([.status(410)])
        },
    ]

    /// A provider of its own for each row (nothing cached from the previous row: tokens, challenges).
    static func provider(_ env: EmulatedMount, deadline: Duration) -> KeyVaultProvider {
        KeyVaultProvider(configuration: ProviderConfiguration(
            transport: env.transport, authorityHost: env.emulators.entra.authorityHost, imdsEndpoint: env.emulators.imds.endpoint,
            vaultURLs: env.emulators.vaultURLs, verifyChallengeResource: false, mountTimeout: deadline
        ))
    }

    static func clearFaults(_ emulators: AzureEmulators) async {
        await emulators.keyVault.faultInjector.reset()
        await emulators.entra.faults.reset()
        await emulators.imds.faults.reset()
    }

    @Test func faultTable() async throws {
        try await EmulatedMount.run { env in
            var lines = [
                "| fault | expected | outcome | within deadline | files intact | time |",
                "|---|---|---|---|---|---|",
            ]
            for (number, row) in Self.rows.enumerated() {
                let target = env.directory("row-\(number)")
                let request = try env.request(row.identity, objects: ["objectName: secret1\nobjectType: secret"])
                let previous = "previous \(number)"
                try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "secret1", value: previous)
                _ = try await Self.provider(env, deadline: .seconds(30)).mount(request, into: target)
                let next = "next \(number)"
                try await env.emulators.keyVault.setSecret(vault: Sample.vaultName, name: "secret1", value: next)
                try await row.install(env.emulators)
                let started = ContinuousClock.now
                var outcome: String
                do {
                    _ = try await Self.provider(env, deadline: row.deadline).mount(request, into: target)
                    outcome = "survived"
                } catch let error as SecretsStoreProviderError {
                    outcome = "failed: \(error.code)"
                }
                let elapsed = ContinuousClock.now - started
                await Self.clearFaults(env.emulators)
                let onDisk = try env.read(target, "secret1")
                let intact = outcome == "survived" ? onDisk == next : onDisk == previous
                let withinDeadline = elapsed < row.deadline + .seconds(2)
                switch row.expectation {
                case .survives: #expect(outcome == "survived", "\(row.fault): \(outcome)")
                case .failsCleanly: #expect(outcome.hasPrefix("failed"), "\(row.fault): \(outcome)")
                case .either: break
                }
                #expect(intact, "\(row.fault): the files on disk hold \(onDisk)")
                #expect(withinDeadline, "\(row.fault): \(elapsed) for a deadline of \(row.deadline)")
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                lines.append(
                    "| \(row.fault) | \(row.expectation.rawValue) | \(outcome) | \(withinDeadline ? "yes" : "NO") (\(row.deadline)) | \(intact ? "yes" : "NO") | \(String(format: "%.2f s", seconds)) |"
                )
            }
            print("Fault table (mount of one secret with files already on disk):\n" + lines.joined(separator: "\n"))
        }
    }

    /// A certificate that changes between rounds: every round writes one complete, matching pair.
    @Test func aCertificateThatChangesMidRotationIsWrittenWhole() async throws {
        try await EmulatedMount.run { env in
            let first = try await env.emulators.keyVault.createSelfSignedCertificate(
                vault: Sample.vaultName, name: "rotating", subject: "first", keySpec: .ec(curve: "P-256")
            )
            let request = try env.request(.servicePrincipal(), objects: ["objectName: rotating\nobjectType: secret"])
            let target = env.directory("rotating")
            _ = try await env.provider.mount(request, into: target)
            let before = try env.read(target, "rotating")
            #expect(before.contains(Data(first.certificatesDER[0]).base64EncodedString().prefix(60)))
            let second = try await env.emulators.keyVault.createSelfSignedCertificate(
                vault: Sample.vaultName, name: "rotating", subject: "second", keySpec: .ec(curve: "P-256")
            )
            let outcome = try await env.provider.mount(request, into: target)
            #expect(outcome.write.changed)
            let after = try env.read(target, "rotating")
            #expect(after.contains(Data(second.certificatesDER[0]).base64EncodedString().prefix(60)), "the new certificate")
            #expect(!after.contains(Data(first.certificatesDER[0]).base64EncodedString().prefix(60)), "nothing of the old one")
            #expect(after.components(separatedBy: "-----BEGIN").count == 3, "one key and one certificate")
        }
    }
}
