import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Testing

/// A hostile or broken token endpoint must produce a typed error, never a trap (`Int(1e300)`) nor a token that
/// never expires (`expires_on: "inf"`).
@Suite struct HostileTokenResponseTests {
    static let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

    func credential(_ transport: ScriptedTransport) throws -> ClientSecretCredential {
        try ClientSecretCredential(
            tenantID: Self.tenant, clientID: "app", secret: SecretString("a-client-secret"),
            options: CredentialOptions(
                transport: transport, retryPolicy: .none, clock: ManualClock(),
                authorityHost: URL(string: "https://127.0.0.1:1")!
            )
        )
    }

    @Test(arguments: [
        #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret.","error_codes":[1e300]}"#,
        #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret.","error_codes":["nan", "-1e30", 1.5]}"#,
    ])
    func outOfRangeErrorCodesDoNotTrap(body: String) async throws {
        let transport = TokenEndpoint.transport(status: 401, body: body)
        let error = try await #require(throws: IdentityError.self) {
            try await credential(transport).getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.aadstsCode == 7_000_215, "falls back to the code in the description")
    }

    @Test(arguments: [
        #"{"access_token":"eyJ.a.b","expires_on":"inf"}"#,
        #"{"access_token":"eyJ.a.b","expires_in":"nan"}"#,
        #"{"access_token":"eyJ.a.b","expires_in":"infinity"}"#,
    ])
    func nonFiniteLifetimesAreRejected(body: String) async throws {
        let transport = TokenEndpoint.transport(status: 200, body: body)
        let error = try await #require(throws: IdentityError.self) {
            try await credential(transport).getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
        }
        #expect(error.code == .invalidResponse)
        #expect(!error.message.contains("eyJ.a.b"))
    }
}
