import AzureCore
import Foundation

/// The claims of a JWT (a service-account token or an access token) that diagnosis shows, decoded locally from the
/// payload **without verifying the signature**: issuer, subject, audiences, expiry and tenant. The token itself is
/// never kept, so printing this value cannot leak it.
public struct TokenClaims: Sendable, Hashable, Codable {
    /// `iss`.
    public var issuer: String?
    /// `sub`.
    public var subject: String?
    /// `aud` (a string or a list in the token).
    public var audiences: [String]
    /// `exp`.
    public var expiresOn: Date?
    /// `nbf`, or `iat` when there is no `nbf`.
    public var notBefore: Date?
    /// `tid` (Entra access tokens).
    public var tenantID: String?
    /// `oid` (Entra access tokens): the object ID of the identity.
    public var objectID: String?

    /// Creates claims.
    /// - Parameters:
    ///   - issuer: `iss`.
    ///   - subject: `sub`.
    ///   - audiences: `aud`.
    ///   - expiresOn: `exp`.
    ///   - notBefore: `nbf` (or `iat`).
    ///   - tenantID: `tid`.
    ///   - objectID: `oid`.
    public init(
        issuer: String?, subject: String?, audiences: [String], expiresOn: Date?, notBefore: Date? = nil,
        tenantID: String? = nil, objectID: String? = nil
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audiences = audiences
        self.expiresOn = expiresOn
        self.notBefore = notBefore
        self.tenantID = tenantID
        self.objectID = objectID
    }

    /// Decodes the payload of a compact JWT.
    /// - Parameter jwt: The token (`header.payload.signature`).
    /// - Returns: The claims, or nil when the text is not a JWT with a JSON object payload.
    public init?(jwt: String) {
        let parts = jwt.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        guard let data = Base64URL.decode(parts[1]),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return nil }
        func date(_ key: String) -> Date? {
            guard let number = object[key] as? NSNumber, number.doubleValue.isFinite else { return nil }
            return Date(timeIntervalSince1970: number.doubleValue)
        }
        issuer = object["iss"] as? String
        subject = object["sub"] as? String
        if let single = object["aud"] as? String {
            audiences = [single]
        } else {
            audiences = (object["aud"] as? [Any])?.compactMap { $0 as? String } ?? []
        }
        expiresOn = date("exp")
        notBefore = date("nbf") ?? date("iat")
        tenantID = object["tid"] as? String
        objectID = object["oid"] as? String
    }

    /// Whether the token has expired at `now`.
    /// - Parameter now: The instant to compare with.
    /// - Returns: `true` when `exp` is at or before `now`.
    public func isExpired(at now: Date) -> Bool {
        guard let expiresOn else { return false }
        return expiresOn <= now
    }
}
