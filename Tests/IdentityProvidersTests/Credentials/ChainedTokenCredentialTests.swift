import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Testing

@Suite struct ChainedTokenCredentialTests {
    @Test func defaultChainReportsWhyEachLinkWasSkipped() async throws {
        try await IdentityFixture.with { f in
            let error = try await f.withFastFailingTransport { transport in
                let chain = DefaultAzureCredential.chain(
                    environment: [:], options: f.options(),
                    managedIdentityEndpoint: URL(string: "http://127.0.0.1:9")!,
                    imdsRetryPolicy: IMDSRetryPolicy(maximumRetries: 0), imdsTransport: transport
                )
                return try await #require(throws: IdentityError.self) {
                    try await chain.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
                }
            }
            #expect(error.code == .credentialUnavailable)
            #expect(error.attempts.count == 3)
            #expect(error.attempts[0].hasPrefix("EnvironmentCredential"))
            #expect(error.attempts[1].contains("AZURE_FEDERATED_TOKEN_FILE"))
            #expect(error.attempts[2].contains("unreachable"))
        }
    }

    @Test func defaultChainUsesTheEnvironmentServicePrincipal() async throws {
        try await IdentityFixture.with { f in
            let chain = DefaultAzureCredential.chain(
                environment: [
                    "AZURE_TENANT_ID": IdentityFixture.tenant, "AZURE_CLIENT_ID": IdentityFixture.appClientID,
                    "AZURE_CLIENT_SECRET": IdentityFixture.secret, "AZURE_AUTHORITY_HOST": f.entra.authorityHost.absoluteString,
                ],
                options: f.options()
            )
            let token = try await chain.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            #expect(try await f.entra.verifyAccessToken(token.token).appid == IdentityFixture.appClientID)
        }
    }

    @Test func authenticationFailureStopsTheChain() async throws {
        try await IdentityFixture.with { f in
            let bad = try ClientSecretCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, secret: "wrong-secret", options: f.options())
            let good = try ClientSecretCredential(tenantID: IdentityFixture.tenant, clientID: IdentityFixture.appClientID, secret: SecretString(IdentityFixture.secret), options: f.options())
            let chain = ChainedTokenCredential([UnavailableCredential(credential: "X", reason: "not here"), bad, good])
            let error = try await #require(throws: IdentityError.self) {
                try await chain.getToken(for: TokenRequestContext(scopes: [IdentityFixture.scope]))
            }
            #expect(error.aadstsCode == 7000215)
        }
    }
}
