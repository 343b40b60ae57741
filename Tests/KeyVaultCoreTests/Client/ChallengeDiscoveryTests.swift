import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import KeyVaultCore
import Logging
import Synchronization
import Testing

/// Challenge discovery is single-flight: many concurrent first requests to a vault make one unauthenticated
/// request, not one each.
@Suite struct ChallengeDiscoveryTests {
    /// Answers unauthenticated requests with a challenge after a delay (so concurrent callers overlap), and
    /// authenticated ones with a secret.
    static func slowChallengeTransport(challengeStatus: Int = 401) -> ScriptedTransport {
        ScriptedTransport { request, _, _ in
            guard request.headerFields[.authorization] != nil else {
                try await Task.sleep(for: .milliseconds(50))
                if challengeStatus == 401 { return HTTPTransportResponse.keyVaultChallenge() }
                return HTTPTransportResponse.json(challengeStatus, #"{"error":{"code":"InternalError","message":"boom"}}"#)
            }
            // The bundle's id names the secret that was asked for (the client checks it).
            let name = request.path?.split(separator: "/").dropFirst().first.map(String.init) ?? "s"
            return HTTPTransportResponse.json(200, #"{"value":"v","id":"https://myvault.vault.azure.net/secrets/\#(name)/abc"}"#)
        }
    }

    /// The number of requests sent without, and with, a token.
    static func counts(_ transport: ScriptedTransport) -> (unauthenticated: Int, authenticated: Int) {
        let withToken = transport.requests.filter { $0.headerFields[.authorization] != nil }.count
        return (transport.requestCount - withToken, withToken)
    }

    static func client(_ transport: ScriptedTransport) throws -> KeyVaultClient {
        try KeyVaultClient(
            vaultURL: URL(string: "https://myvault.vault.azure.net/")!, credential: StaticTokenCredential { "token-\($0)" }, transport: transport,
            options: .init(retryPolicy: nil), logger: Logger(label: "test")
        )
    }

    @Test func concurrentFirstRequestsShareOneDiscovery() async throws {
        let transport = Self.slowChallengeTransport()
        let client = try Self.client(transport)
        try await withThrowingTaskGroup(of: String?.self) { group in
            for i in 0..<16 { group.addTask { try await client.getSecret(name: "s\(i)").value } }
            for try await value in group { #expect(value == "v") }
        }
        #expect(Self.counts(transport).unauthenticated == 1)
        #expect(Self.counts(transport).authenticated == 16)
    }

    @Test func aFailedDiscoveryIsNotCachedAndWaitersTryAgain() async throws {
        let transport = Self.slowChallengeTransport(challengeStatus: 500)
        let client = try Self.client(transport)
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<3 {
                group.addTask { _ = try? await client.getSecret(name: "s\(i)") }
            }
        }
        // No challenge was learnt: each caller made its own unauthenticated attempt and none hung.
        #expect(Self.counts(transport).unauthenticated == 3)
        #expect(Self.counts(transport).authenticated == 0)
    }
}
