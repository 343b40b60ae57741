import AzureCore
import Foundation
import IdentityProviders
import KeyVaultCore
import KeyVaultTesting
import HTTPTypes
import Logging
import Synchronization
import Testing

/// The seed's Key Vault latency and per-vault rate limit, which let any client be measured from outside the process.
@Suite(.serialized) struct MeasurementSeedTests {
    typealias Sample = AzureEmulatorSeed.Sample

    /// Runs `body` with a client of the sample vault (no retries, so every 429 reaches the test) on emulators started
    /// from `seed`; `wrap` may put a transport between the client and the network. The emulators always stop.
    func withSampleVaultClient(
        seed: AzureEmulatorSeed,
        wrap: (any HTTPTransport) -> any HTTPTransport = { $0 },
        _ body: (KeyVaultClient, AzureEmulators) async throws -> Void
    ) async throws {
        var quiet = Logger(label: "m", factory: { _ in SwiftLogNoOpLogHandler() })
        quiet.logLevel = .critical
        try await AzureEmulators.withRunning(seed: seed, logger: quiet) { emulators in
            try await AsyncHTTPClientTransport.withTransport(
                configuration: .init(caBundlePath: emulators.caFile.path), environment: [:]
            ) { transport in
                let credential = try ClientSecretCredential(
                    tenantID: Sample.tenantID, clientID: Sample.servicePrincipal.clientID,
                    secret: SecretString(Sample.servicePrincipal.secret ?? ""),
                    options: CredentialOptions(transport: transport, authorityHost: emulators.entra.authorityHost)
                )
                let client = try KeyVaultClient(
                    vaultURL: try #require(emulators.vaultURLs[Sample.vaultName]), credential: credential,
                    transport: wrap(transport), options: .init(verifyChallengeResource: false, retryPolicy: nil), logger: quiet
                )
                try await body(client, emulators)
            }
        }
    }

    @Test func latencyAndRateLimitFromTheSeed() async throws {
        var seed = AzureEmulatorSeed.sample
        seed.keyVaultLatency = .init(milliseconds: 150, jitterMilliseconds: 20)
        seed.vaults[0].rateLimit = .init(requestsPerWindow: 2, windowSeconds: 60, retryAfterSeconds: 7)
        try await withSampleVaultClient(seed: seed) { client, emulators in
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
        }
    }

    /// Keeps the header fields of the last response, to read what a 429 said.
    final class HeaderRecorder: HTTPTransport {
        let base: any HTTPTransport
        let last = Mutex<HTTPFields?>(nil)
        init(_ base: any HTTPTransport) { self.base = base }
        func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
            let response = try await base.send(request, body: body)
            last.withLock { $0 = response.response.headerFields }
            return response
        }
    }

    /// `tellsWindowRemainder`: each 429 says how long the rest of the window is, in `x-ms-retry-after-ms` and (rounded
    /// up) in `Retry-After`, so that a client can resume exactly when the budget is back.
    @Test func aThrottledAnswerTellsTheRestOfTheWindow() async throws {
        var seed = AzureEmulatorSeed.sample
        seed.vaults[0].rateLimit = .init(requestsPerWindow: 1, windowSeconds: 30, tellsWindowRemainder: true)
        let recorder = Mutex<HeaderRecorder?>(nil)
        try await withSampleVaultClient(seed: seed, wrap: { transport in
            let made = HeaderRecorder(transport)
            recorder.withLock { $0 = made }
            return made
        }) { client, emulators in
            _ = try await client.getSecret(name: "secret1")
            await #expect(throws: KeyVaultError.self) { _ = try await client.getSecret(name: "secret1") }
            let fields = try #require(recorder.withLock { $0 }?.last.withLock { $0 })
            let milliseconds = try #require(fields[HTTPField.Name("x-ms-retry-after-ms")!].flatMap { Int($0) })
            #expect(milliseconds > 20_000 && milliseconds <= 30_000, "the rest of a 30 s window that began just now: \(milliseconds) ms")
            #expect(fields[.retryAfter] == String((milliseconds + 999) / 1000))
            #expect(await emulators.keyVault.counters(vault: Sample.vaultName).byStatus[429] == 1)
        }
    }

    @Test func seedFieldsDecodeFromJSON() throws {
        let json = #"{"tenants":[],"vaults":[{"name":"kv","tenantId":"t","rateLimit":{"requestsPerWindow":400,"windowSeconds":1,"retryAfterSeconds":1,"tellsWindowRemainder":true}}],"keyVaultLatency":{"milliseconds":20,"jitterMilliseconds":5}}"#
        let seed = try AzureEmulatorSeed.decode(json: Data(json.utf8))
        #expect(seed.keyVaultLatency == .init(milliseconds: 20, jitterMilliseconds: 5))
        #expect(seed.vaults[0].rateLimit == .init(requestsPerWindow: 400, windowSeconds: 1, retryAfterSeconds: 1, tellsWindowRemainder: true))
    }
}
