/// What a caller asks a ``TokenCredential`` for: the scopes, and optionally a tenant and claims.
public struct TokenRequestContext: Sendable, Hashable {
    /// The scopes, for example `["https://vault.azure.net/.default"]`.
    public var scopes: [String]
    /// The tenant to request the token from, overriding the credential's own tenant when the credential
    /// allows it (Key Vault's challenge names the tenant).
    public var tenantID: String?
    /// A claims challenge (JSON) returned by a resource, to be passed to the token endpoint.
    public var claims: String?

    /// Creates a token request context.
    /// - Parameters:
    ///   - scopes: The scopes to request.
    ///   - tenantID: An optional tenant.
    ///   - claims: An optional claims challenge.
    public init(scopes: [String], tenantID: String? = nil, claims: String? = nil) {
        self.scopes = scopes
        self.tenantID = tenantID
        self.claims = claims
    }
}
