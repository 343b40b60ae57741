import AzureCoreTesting
import AzureCore
import Foundation
import HTTPTypes
import IdentityProviders
import KeyVaultTesting
import Synchronization
import Testing

/// A broken or hostile metadata endpoint must not crash the process (`Retry-After: 1e300` used to trap converting to
/// `Int64`) nor park it for years: the wait is cut to ``IMDSRetryPolicy/maximumServerRequestedDelay``, and
/// `Metadata: true` is on every request.
@Suite struct ManagedIdentityHostileResponseTests {
    @Test(arguments: ["1e300", "inf", "99999999999999999999"])
    func hugeRetryAfterIsCut(retryAfter: String) async throws {
        let transport = ScriptedTransport(responses: [
            .json(429, #"{"error":"throttled"}"#, headers: ["Retry-After": retryAfter]),
            .json(200, #"{"access_token":"imds-token","expires_in":"3600","resource":"https://vault.azure.net"}"#),
        ])
        let clock = ManualClock()
        let credential = try ManagedIdentityCredential(
            endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport,
            options: CredentialOptions(clock: clock)
        )
        let token = try await credential.getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
        #expect(token.token == "imds-token")
        #expect(clock.sleeps == [IMDSRetryPolicy.default.maximumServerRequestedDelay])
        #expect(transport.requests.map { $0.headerFields[HTTPField.Name("Metadata")!] } == ["true", "true"])
    }
}
