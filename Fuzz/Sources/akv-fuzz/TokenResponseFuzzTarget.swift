import AzureCore
import Foundation
import IdentityProviders

/// `token-response`: Entra ID token endpoint answers (status, headers, JSON body; see ``ScriptedHTTPResponses``),
/// read by `ClientSecretCredential.getToken` (the shared `TokenResponseParser`: tokens, lifetimes, `error`,
/// `error_description`, `error_codes`, AADSTS codes, redaction), with the credential's retries on a clock that
/// never waits.
enum TokenResponseFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "token-response",
        summary: "ClientSecretCredential.getToken over scripted responses (TokenResponseParser, retries, Retry-After)"
    ) { data in
        let transport = FuzzScriptedTransport(ScriptedHTTPResponses.parse(data))
        let options = CredentialOptions(
            transport: transport, clock: FuzzInstantClock(), logger: FuzzSupport.logger,
            authorityHost: URL(string: "https://login.example.test")!
        )
        FuzzSupport.wait {
            let credential = try ClientSecretCredential(
                tenantID: "00000000-0000-0000-0000-000000000000", clientID: "11111111-1111-1111-1111-111111111111",
                secret: SecretString("fuzz+secret/value=="), options: options
            )
            let token = try await credential.getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
            _ = token.expiresOn
        }
    }
}
