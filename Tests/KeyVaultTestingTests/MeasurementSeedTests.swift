import AzureCore
import Foundation
import IdentityProviders
import KeyVaultCore
import KeyVaultTesting
import Logging
import Testing

/// The seed's Key Vault latency and per-vault rate limit, which let any client be measured from outside the process.
@Suite(.serialized) struct MeasurementSeedTests {
    typealias Sample = AzureEmulatorSeed.Sample

    @Test func latencyAndRateLimitFromTheSeed() async throws {
        var seed = AzureEmulatorSeed.sample
        seed.keyVaultLatency = .init(milliseconds: 150, jitterMilliseconds: 20)
        seed.vaults[0].rateLimit = .init(requestsPerWindow: 2, windowSeconds: 60, retryAfterSeconds: 7)
        var quiet = Logger(label: "m", factory: { _ in SwiftLogNoOpLogHandler() })
        quiet.logLevel = .critical
        let emulators = try await AzureEmulators.start(seed: seed, logger: quiet)
        let transport = try AsyncHTTPClientTransport(configuration: .init(caBundlePath: emulators.caFile.path), environment: [:])
        do {
            let credential = try ClientSecretCredential(
                tenantID: Sample.tenantID, clientID: Sample.servicePrincipal.clientID,
                secret: SecretString(Sample.servicePrincipal.secret ?? ""),
                options: CredentialOptions(transport: transport, authorityHost: emulators.entra.authorityHost)
            )
            let client = try KeyVaultClient(
                vaultURL: try #require(emulators.vaultURLs[Sample.vaultName]), credential: credential, transport: transport,
                options: .init(verifyChallengeResource: false, retryPolicy: nil), logger: quiet
            )
            let started = ContinuousClock.now
            _ = try await client.getSecret(name: "secret1")
            #expect(ContinuousClock.now - started >= .milliseconds(260), "challenge and get, each about 150 ms")
            _ = try await client.getSecret(name: "ExampleSecret")
            do {
                _ = try await client.getSecret(name: "secret1")
                Issue.record("the third request of a 2-per-window vault must be throttled")
            } catch let error as KeyVaultError {
                #expect(error.code == .throttled)
                #expect(error.statusCode == 429)
            }
            let counters = await emulators.keyVault.counters(vault: Sample.vaultName)
            #expect(counters.byStatus[429] == 1)
        } catch {
            try? await transport.shutdown()
            await emulators.stop()
            throw error
        }
        try? await transport.shutdown()
        await emulators.stop()
    }

    @Test func seedFieldsDecodeFromJSON() throws {
        let json = #"{"tenants":[],"vaults":[{"name":"kv","tenantId":"t","rateLimit":{"requestsPerWindow":400,"windowSeconds":1,"retryAfterSeconds":1}}],"keyVaultLatency":{"milliseconds":20,"jitterMilliseconds":5}}"#
        let seed = try AzureEmulatorSeed.decode(json: Data(json.utf8))
        #expect(seed.keyVaultLatency == .init(milliseconds: 20, jitterMilliseconds: 5))
        #expect(seed.vaults[0].rateLimit == .init(requestsPerWindow: 400, windowSeconds: 1, retryAfterSeconds: 1))
    }
}
