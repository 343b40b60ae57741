import AzureCore
import Foundation

/// A service principal authenticating with a client secret (client-credentials grant).
public struct ClientSecretCredential: TokenCredential {
    /// The tenant ID.
    public let tenantID: String
    /// The application (client) ID.
    public let clientID: String
    private let secret: SecretString
    private let options: CredentialOptions
    private let client: EntraTokenClient
    private let cache: TokenCache
    /// A tag of the secret in the cache key: a credential holding another secret for the same client never gets
    /// a token earned with this one, even through a shared ``TokenCache``.
    private let proofID: String

    /// Creates the credential.
    /// - Parameters:
    ///   - tenantID: The tenant.
    ///   - clientID: The application (client) ID.
    ///   - secret: The client secret value.
    ///   - options: Transport, authority, cache, clock, logger.
    /// - Throws: ``IdentityError`` `invalidConfiguration` for a bad tenant, empty client ID or secret.
    public init(tenantID: String, clientID: String, secret: SecretString, options: CredentialOptions = CredentialOptions()) throws {
        try AuthorityValidation.validateTenant(tenantID, credential: "ClientSecretCredential")
        guard !clientID.isEmpty, !secret.isEmpty else {
            throw IdentityError(code: .invalidConfiguration, credential: "ClientSecretCredential", message: "the client ID and the secret must not be empty")
        }
        self.tenantID = tenantID
        self.clientID = clientID
        self.secret = secret
        self.options = options
        self.client = EntraTokenClient(credential: "ClientSecretCredential", options: options)
        self.cache = options.resolvedCache()
        self.proofID = ProofFingerprint.of(secret.revealed)
    }

    /// Gets a token, from the cache when possible.
    /// - Parameter request: Scopes, tenant, claims.
    /// - Returns: The token.
    /// - Throws: ``IdentityError``.
    public func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        let tenant = try options.tenant(for: request, configured: tenantID, credential: "ClientSecretCredential")
        let key = TokenCache.Key(credentialID: "secret|\(options.authorityHost)|\(clientID)|\(proofID)", tenantID: tenant, scopes: request.scopes, claims: request.claims)
        let client = self.client
        let secret = self.secret
        let clientID = self.clientID
        return try await cache.token(for: key) {
            try await client.requestToken(
                tenant: tenant, request: request,
                fields: [("client_id", clientID), ("client_secret", secret.revealed)],
                sensitive: [secret.revealed]
            )
        }
    }
}

extension ClientSecretCredential: CustomStringConvertible, CustomReflectable {
    /// The tenant and client ID; never the secret.
    public var description: String { "ClientSecretCredential(tenantID: \(tenantID), clientID: \(clientID), secret: \(Redaction.placeholder))" }

    /// A mirror without the secret, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        Mirror(self, children: ["tenantID": tenantID, "clientID": clientID, "secret": Redaction.placeholder], displayStyle: .struct)
    }
}
