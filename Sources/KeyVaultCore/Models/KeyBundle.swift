import Foundation

/// A Key Vault key as `GET /keys/{name}/{version}` returns it (public material only).
public struct KeyBundle: Sendable, Hashable, Codable {
    /// The JSON Web Key.
    public var key: JSONWebKey?
    /// The attributes.
    public var attributes: KeyVaultObjectAttributes?
    /// The tags.
    public var tags: [String: String]?
    /// Whether Key Vault manages the key (certificate-backed keys).
    public var managed: Bool?

    /// Creates a key bundle.
    /// - Parameters:
    ///   - key: The JSON Web Key.
    ///   - attributes: The attributes.
    ///   - tags: The tags.
    ///   - managed: Whether managed by Key Vault.
    public init(
        key: JSONWebKey?, attributes: KeyVaultObjectAttributes? = nil, tags: [String: String]? = nil,
        managed: Bool? = nil
    ) {
        self.key = key
        self.attributes = attributes
        self.tags = tags
        self.managed = managed
    }

    /// The key identifier (`key.kid`).
    public var kid: String? { key?.kid }

    /// The version: the last path segment of ``kid``.
    public var version: String? { kid.flatMap(KeyVaultIdentifier.init)?.version }
}
