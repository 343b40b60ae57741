import Foundation

/// The `attributes` of a Key Vault secret, key or certificate (and of each item of a version list).
///
/// Key Vault sends the times as Unix seconds.
public struct KeyVaultObjectAttributes: Sendable, Hashable, Codable {
    /// Whether the object (version) is enabled. Key Vault refuses to return a disabled version's value.
    public var enabled: Bool?
    /// Not valid before (`nbf`).
    public var notBefore: Date?
    /// Expiry (`exp`).
    public var expires: Date?
    /// Creation time.
    public var created: Date?
    /// Last update time.
    public var updated: Date?
    /// The deletion recovery level, for example `Recoverable+Purgeable`.
    public var recoveryLevel: String?
    /// Days a deleted object is kept.
    public var recoverableDays: Int?

    /// Creates attributes.
    /// - Parameters:
    ///   - enabled: Whether enabled.
    ///   - notBefore: Not valid before.
    ///   - expires: Expiry.
    ///   - created: Creation time.
    ///   - updated: Update time.
    ///   - recoveryLevel: Recovery level.
    ///   - recoverableDays: Retention days.
    public init(
        enabled: Bool? = nil, notBefore: Date? = nil, expires: Date? = nil, created: Date? = nil,
        updated: Date? = nil, recoveryLevel: String? = nil, recoverableDays: Int? = nil
    ) {
        self.enabled = enabled
        self.notBefore = notBefore
        self.expires = expires
        self.created = created
        self.updated = updated
        self.recoveryLevel = recoveryLevel
        self.recoverableDays = recoverableDays
    }

    private enum CodingKeys: String, CodingKey {
        case enabled, notBefore = "nbf", expires = "exp", created, updated, recoveryLevel, recoverableDays
    }
}
