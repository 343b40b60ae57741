import Foundation

/// What the Key Vault emulator needs to know about a verified access token.
///
/// The emulator does not verify tokens itself: it is given a verifier (for example the Entra emulator's
/// `verifyAccessToken`) that checks the signature and returns these claims. The emulator then checks the
/// audience, the expiry and the tenant as Key Vault does, and decides access by ``objectID``.
public struct KeyVaultAccessTokenClaims: Sendable, Hashable {
    /// The `aud` claim: must be the Key Vault resource (for example `https://vault.azure.net`).
    public var audience: String
    /// The `tid` claim: the tenant that issued the token.
    public var tenantID: String
    /// The `oid` claim: the object ID of the calling identity; role assignments and access policies name it.
    public var objectID: String
    /// The `appid` (or `azp`) claim: the client ID of the calling application, if any.
    public var applicationID: String?
    /// The `exp` claim: when the token expires.
    public var expiresOn: Date

    /// Creates the claims of a verified token.
    /// - Parameters:
    ///   - audience: The `aud` claim.
    ///   - tenantID: The `tid` claim.
    ///   - objectID: The `oid` claim.
    ///   - applicationID: The `appid` claim.
    ///   - expiresOn: The `exp` claim.
    public init(audience: String, tenantID: String, objectID: String, applicationID: String?, expiresOn: Date) {
        self.audience = audience
        self.tenantID = tenantID
        self.objectID = objectID
        self.applicationID = applicationID
        self.expiresOn = expiresOn
    }
}
