import Foundation

/// The claims of an access token issued by ``EntraEmulator`` (or by ``IMDSEmulator`` with the Entra key), as
/// returned by ``EntraEmulator/verifyAccessToken(_:now:)``.
public struct EntraAccessTokenClaims: Sendable, Hashable {
    /// The audience: the resource, for example `https://vault.azure.net`.
    public var aud: String
    /// The tenant ID.
    public var tid: String
    /// The object ID of the service principal or managed identity.
    public var oid: String
    /// The application (client) ID.
    public var appid: String
    /// The expiry.
    public var exp: Date
    /// The issuer, `https://sts.windows.net/<tenant>/`.
    public var iss: String

    /// Creates claims.
    /// - Parameters:
    ///   - aud: Audience.
    ///   - tid: Tenant.
    ///   - oid: Object ID.
    ///   - appid: Application ID.
    ///   - exp: Expiry.
    ///   - iss: Issuer.
    public init(aud: String, tid: String, oid: String, appid: String, exp: Date, iss: String) {
        self.aud = aud
        self.tid = tid
        self.oid = oid
        self.appid = appid
        self.exp = exp
        self.iss = iss
    }
}
