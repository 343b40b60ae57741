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
    final class SlowChallengeTransport: HTTPTransport, Sendable {
        let unauthenticated = Mutex(0)
        let authenticated = Mutex(0)
        let challengeStatus: Int

        init(challengeStatus: Int = 401) { self.challengeStatus = challengeStatus }

        func send(_ request: HTTPRequest, body: Data?) async throws -> HTTPTransportResponse {
            if request.headerFields[.authorization] == nil {
                unauthenticated.withLock { $0 += 1 }
                try await Task.sleep(for: .milliseconds(50))
                if challengeStatus == 401 { return FakeTransport.challenge() }
                return FakeTransport.json(challengeStatus, #"{"error":{"code":"InternalError","message":"boom"}}"#)
            }
            authenticated.withLock { $0 += 1 }
            return FakeTransport.json(200, #"{"value":"v","id":"https://myvault.vault.azure.net/secrets/s/abc"}"#)
        }
    }

    static func client(_ transport: SlowChallengeTransport) throws -> KeyVaultClient {
        try KeyVaultClient(
            vaultURL: URL(string: "https://myvault.vault.azure.net/")!, credential: FakeCredential(), transport: transport,
            options: .init(retryPolicy: nil), logger: Logger(label: "test")
        )
    }

    @Test func concurrentFirstRequestsShareOneDiscovery() async throws {
        let transport = SlowChallengeTransport()
        let client = try Self.client(transport)
        try await withThrowingTaskGroup(of: String?.self) { group in
            for i in 0..<16 { group.addTask { try await client.getSecret(name: "s\(i)").value } }
            for try await value in group { #expect(value == "v") }
        }
        #expect(transport.unauthenticated.withLock { $0 } == 1)
        #expect(transport.authenticated.withLock { $0 } == 16)
    }

    @Test func aFailedDiscoveryIsNotCachedAndWaitersTryAgain() async throws {
        let transport = SlowChallengeTransport(challengeStatus: 500)
        let client = try Self.client(transport)
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<3 {
                group.addTask { _ = try? await client.getSecret(name: "s\(i)") }
            }
        }
        // No challenge was learnt: each caller made its own unauthenticated attempt and none hung.
        #expect(transport.unauthenticated.withLock { $0 } == 3)
        #expect(transport.authenticated.withLock { $0 } == 0)
    }
}
