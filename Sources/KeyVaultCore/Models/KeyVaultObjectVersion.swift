import Foundation

/// One item of a version list (`GET /secrets/{name}/versions` and the key and certificate equivalents). Items
/// carry no value.
public struct KeyVaultObjectVersion: Sendable, Hashable, Codable {
    /// The identifier of the version (for keys, Key Vault names it `kid`).
    public var id: String?
    /// The attributes (enabled, created, ...).
    public var attributes: KeyVaultObjectAttributes?
    /// The content type (secrets).
    public var contentType: String?
    /// The thumbprint (certificates).
    public var x5t: String?
    /// The tags.
    public var tags: [String: String]?
    /// Whether Key Vault manages the object.
    public var managed: Bool?

    /// Creates a version item.
    /// - Parameters:
    ///   - id: The identifier.
    ///   - attributes: The attributes.
    ///   - contentType: The content type.
    ///   - x5t: The thumbprint.
    ///   - tags: The tags.
    ///   - managed: Whether managed.
    public init(
        id: String?, attributes: KeyVaultObjectAttributes? = nil, contentType: String? = nil, x5t: String? = nil,
        tags: [String: String]? = nil, managed: Bool? = nil
    ) {
        self.id = id
        self.attributes = attributes
        self.contentType = contentType
        self.x5t = x5t
        self.tags = tags
        self.managed = managed
    }

    /// The object's name, from ``id``.
    public var name: String? { id.flatMap(KeyVaultIdentifier.init)?.name }

    /// The version: the last path segment of ``id`` (nil for a list item of the collection, whose identifier names
    /// no version).
    public var version: String? { id.flatMap(KeyVaultIdentifier.init)?.version }

    private enum CodingKeys: String, CodingKey {
        case id, kid, attributes, contentType, x5t, tags, managed
    }

    /// Decodes an item; key items name their identifier `kid`.
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
            ?? container.decodeIfPresent(String.self, forKey: .kid)
        attributes = try container.decodeIfPresent(KeyVaultObjectAttributes.self, forKey: .attributes)
        contentType = try container.decodeIfPresent(String.self, forKey: .contentType)
        x5t = try container.decodeIfPresent(String.self, forKey: .x5t)
        tags = try container.decodeIfPresent([String: String].self, forKey: .tags)
        managed = try container.decodeIfPresent(Bool.self, forKey: .managed)
    }

    /// Encodes the item.
    /// - Parameter encoder: The encoder.
    /// - Throws: Encoding errors.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(attributes, forKey: .attributes)
        try container.encodeIfPresent(contentType, forKey: .contentType)
        try container.encodeIfPresent(x5t, forKey: .x5t)
        try container.encodeIfPresent(tags, forKey: .tags)
        try container.encodeIfPresent(managed, forKey: .managed)
    }
}
