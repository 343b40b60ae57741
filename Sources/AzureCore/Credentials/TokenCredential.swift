/// Something that can obtain an ``AccessToken`` for a set of scopes.
///
/// Every identity in `IdentityProviders` (workload identity, managed identity, client secret, client
/// certificate, chained) conforms to it, and every client in the suite (`KeyVaultCore`) accepts any
/// conforming value, so a caller can bring their own.
public protocol TokenCredential: Sendable {
    /// Obtains a token for the given request.
    /// - Parameter request: The scopes, and optionally the tenant and claims.
    /// - Returns: A token valid for the scopes.
    /// - Throws: An error describing why no token could be obtained. It never contains a secret.
    func getToken(for request: TokenRequestContext) async throws -> AccessToken
}
