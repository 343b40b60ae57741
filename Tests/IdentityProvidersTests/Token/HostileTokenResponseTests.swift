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

    /// A token endpoint that echoes the form body leaked the client secret percent-encoded (`a%2Bb%2F...`): the
    /// redaction knew only the literal form. Line breaks and terminal escapes in its text are escaped too.
    @Test func anEchoedFormBodyLeaksNoSecretAndForgesNoLine() async throws {
        let secret = "p+w/d=x&y z~9"
        let transport = ScriptedTransport { _, body, _ in
            let form = String(decoding: body ?? Data(), as: UTF8.self)
            let description = "AADSTS7000215: Invalid client secret. Received: \(form)\nakv-mount: 3 files written\u{1B}[2J"
            let json = try JSONSerialization.data(withJSONObject: ["error": "invalid_client", "error_description": description])
            return .json(401, String(decoding: json, as: UTF8.self))
        }
        let credential = try ClientSecretCredential(
            tenantID: Self.tenant, clientID: "app", secret: SecretString(secret),
            options: CredentialOptions(transport: transport, retryPolicy: .none, clock: ManualClock(), authorityHost: URL(string: "https://127.0.0.1:1")!)
        )
        let error = try await #require(throws: IdentityError.self) {
            try await credential.getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
        }
        let text = "\(error)"
        let form = String(decoding: transport.bodies.first.flatMap { $0 } ?? Data(), as: UTF8.self)
        let encoded = form.split(separator: "&").first { $0.hasPrefix("client_secret=") }.map { String($0.dropFirst("client_secret=".count)) } ?? ""
        #expect(!encoded.isEmpty && encoded != secret, "the form carries an encoded secret: \(encoded)")
        #expect(!text.contains(encoded), "\(text)")
        #expect(!text.contains(secret))
        #expect(!text.contains("\n") && !text.contains("\u{1B}"), "\(text)")
        #expect(error.aadstsCode == 7_000_215)
    }
}
