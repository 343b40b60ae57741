import Foundation

/// A bearer token issued by Microsoft Entra ID (or a managed-identity endpoint) for one resource.
///
/// The token value is never printed: ``description``, ``debugDescription`` and `dump` show only the expiry, so an
/// `AccessToken` can be logged or interpolated into an error message without leaking it.
public struct AccessToken: Sendable, Hashable {
    /// The raw bearer token, for the `Authorization: Bearer` header. Never log it.
    public var token: String
    /// The instant after which the token is no longer accepted.
    public var expiresOn: Date
    /// The instant the issuer suggests refreshing at (`refresh_in`), when it gave one.
    public var refreshOn: Date?

    /// Creates an access token.
    /// - Parameters:
    ///   - token: The raw bearer token.
    ///   - expiresOn: When the token expires.
    ///   - refreshOn: When the issuer suggests refreshing it, if it said.
    public init(token: String, expiresOn: Date, refreshOn: Date? = nil) {
        self.token = token
        self.expiresOn = expiresOn
        self.refreshOn = refreshOn
    }
}

extension AccessToken: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A redacted description: the expiry only, never the token.
    public var description: String {
        "AccessToken(token: <redacted>, expiresOn: \(expiresOn)\(refreshOn.map { ", refreshOn: \($0)" } ?? ""))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with the token replaced by ``Redaction/placeholder``, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["token": Redaction.placeholder, "expiresOn": expiresOn, "refreshOn": refreshOn as Any],
            displayStyle: .struct
        )
    }
}
