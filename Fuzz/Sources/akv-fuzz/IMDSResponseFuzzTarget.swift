import AzureCore
import Foundation
import IdentityProviders

/// `imds-response`: Instance Metadata Service answers (see ``ScriptedHTTPResponses``), read by
/// `ManagedIdentityCredential.getToken`: tokens with string-typed numbers, the 400 identity errors, 404/410/429/5xx
/// retries with `Retry-After` on a clock that never waits. The first byte picks the identity kind.
enum IMDSResponseFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "imds-response",
        summary: "ManagedIdentityCredential.getToken over scripted responses (token JSON, IMDS errors, retries)"
    ) { data in
        let (selector, rest) = FuzzInput.selector(data)
        let identity: ManagedIdentityID
        switch selector % 4 {
        case 0: identity = .systemAssigned
        case 1: identity = .clientID("11111111-1111-1111-1111-111111111111")
        case 2: identity = .objectID("22222222-2222-2222-2222-222222222222")
        default: identity = .resourceID("/subscriptions/s/resourceGroups/g/providers/Microsoft.ManagedIdentity/userAssignedIdentities/i")
        }
        let transport = FuzzScriptedTransport(ScriptedHTTPResponses.parse(rest))
        let options = CredentialOptions(transport: transport, clock: FuzzInstantClock(), logger: FuzzSupport.logger)
        FuzzSupport.wait {
            let credential = try ManagedIdentityCredential(
                identity: identity, endpoint: URL(string: "http://127.0.0.1:1")!, transport: transport, options: options
            )
            let token = try await credential.getToken(for: TokenRequestContext(scopes: ["https://vault.azure.net/.default"]))
            _ = token.expiresOn
        }
    }
}
