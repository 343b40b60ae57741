import Foundation
import KeyVaultCore

/// `challenge`: one `WWW-Authenticate` value, through `AuthenticationChallenge(header:)` and the values the client
/// derives from it (scope, resource domain, tenant).
enum ChallengeFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "challenge",
        summary: "AuthenticationChallenge(header:), tokenScope, resourceDomain, tenantID"
    ) { data in
        guard let challenge = AuthenticationChallenge(header: FuzzInput.text(data)) else { return }
        _ = challenge.tokenScope
        _ = challenge.resourceDomain
        _ = challenge.tenantID
    }
}
