import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Testing

/// Credentials sharing one ``TokenCache`` (through ``CredentialOptions/cache``) must not hand a token earned with
/// one proof (a client secret, a service-account token) to a credential holding another.
@Suite struct SharedCacheIsolationTests {
    @Test func aWrongSecretNeverGetsTheTokenEarnedByTheRightOne() async throws {
        try await IdentityFixture.with { f in
            let cache = TokenCache(clock: ManualClock())
            let right = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString(IdentityFixture.secret), options: f.options(cache: cache)
            )
            let token = try await right.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(!token.token.isEmpty)

            let wrong = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString("not-the-secret"), options: f.options(cache: cache)
            )
            let error = try await #require(throws: IdentityError.self) {
                try await wrong.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.code == .authenticationFailed)
            #expect(await f.entra.faults.requestCount(pathPrefix: f.tokenPath) == 2, "the wrong secret went to Entra")

            // The same secret in another credential instance still shares the cached token.
            let twin = try ClientSecretCredential(
                tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID,
                secret: SecretString(IdentityFixture.secret), options: f.options(cache: cache)
            )
            let shared = try await twin.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(shared.token == token.token)
            #expect(await f.entra.faults.requestCount(pathPrefix: f.tokenPath) == 2)
        }
    }

    @Test func anotherServiceAccountTokenNeverGetsTheCachedToken() async throws {
        let cache = TokenCache(clock: ManualClock())
        let transport = TokenEndpoint.transport()
        let options = CredentialOptions(
            transport: transport, retryPolicy: .none, clock: ManualClock(), cache: cache,
            authorityHost: URL(string: "https://127.0.0.1:1")!
        )
        let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"
        let first = try WorkloadIdentityCredential(
            tenantID: tenant, clientID: "app", tokenSource: .closure { "service-account-token-A" }, options: options
        )
        let second = try WorkloadIdentityCredential(
            tenantID: tenant, clientID: "app", tokenSource: .closure { "service-account-token-B" }, options: options
        )
        let csi = #"{"api://AzureADTokenExchange":{"token":"service-account-token-C"}}"#
        let third = try WorkloadIdentityCredential(
            tenantID: tenant, clientID: "app", tokenSource: .csiServiceAccountTokens(csi), options: options
        )
        let thirdTwin = try WorkloadIdentityCredential(
            tenantID: tenant, clientID: "app", tokenSource: .csiServiceAccountTokens(csi), options: options
        )
        let request = TokenRequestContext(scopes: ["https://vault.azure.net/.default"])
        _ = try await first.getToken(for: request)
        _ = try await second.getToken(for: request)
        _ = try await third.getToken(for: request)
        _ = try await thirdTwin.getToken(for: request)
        #expect(TokenEndpoint.assertions(transport) == ["service-account-token-A", "service-account-token-B", "service-account-token-C"])
    }
}
