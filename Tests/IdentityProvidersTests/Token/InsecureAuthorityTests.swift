import AzureCoreTesting
import AzureCore
import Foundation
import IdentityProviders
import KeyVaultTesting
import Testing

/// A client secret or assertion is never sent over plain HTTP to a non-loopback authority, even through a
/// transport that would carry it (an `authorityHost` set directly is not normalised), and `127.example.com` is not
/// a loopback address.
@Suite struct InsecureAuthorityTests {
    static let tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47"

    @Test(arguments: ["http://login.example.test", "http://127.attacker.example", "ftp://127.0.0.1"])
    func aSecretIsNotSentToAnInsecureAuthority(authority: String) async throws {
        let transport = TokenEndpoint.transport()
        let credential = try ClientSecretCredential(
            tenantID: Self.tenant, clientID: "app", secret: SecretString("insecure-s3cr3t"),
            options: CredentialOptions(
                transport: transport, retryPolicy: .none, clock: ManualClock(), authorityHost: URL(string: authority)!
            )
        )
        let error = try await #require(throws: IdentityError.self) {
            try await credential.getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
        }
        #expect(error.code == .invalidConfiguration)
        #expect(transport.requestCount == 0)
        #expect(!error.message.contains("insecure-s3cr3t"))
    }

    @Test func plainHTTPToLoopbackStillWorks() async throws {
        let transport = TokenEndpoint.transport()
        let credential = try ClientSecretCredential(
            tenantID: Self.tenant, clientID: "app", secret: SecretString("loopback-s3cr3t"),
            options: CredentialOptions(
                transport: transport, retryPolicy: .none, clock: ManualClock(), authorityHost: URL(string: "http://127.0.0.1:1")!
            )
        )
        _ = try await credential.getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
        #expect(transport.requestCount == 1)
    }

    @Test func environmentAuthorityRejectsLookalikeLoopbackNames() throws {
        #expect(throws: IdentityError.self) {
            try WorkloadIdentityCredential.fromEnvironment([
                "AZURE_CLIENT_ID": "app", "AZURE_TENANT_ID": Self.tenant, "AZURE_FEDERATED_TOKEN_FILE": "/dev/null",
                "AZURE_AUTHORITY_HOST": "http://127.attacker.example",
            ])
        }
    }
}
