import Foundation

/// A Key Vault certificate as `GET /certificates/{name}/{version}` returns it (the public certificate only; the
/// private key is in the secret named by ``sid``).
public struct CertificateBundle: Sendable, Hashable, Codable {
    /// The identifier, `https://<vault>/certificates/<name>/<version>`.
    public var id: String?
    /// The backing key's identifier.
    public var kid: String?
    /// The backing secret's identifier.
    public var sid: String?
    /// The base64url SHA-1 thumbprint.
    public var x5t: String?
    /// The certificate, DER (decoded from the base64 `cer` field).
    public var cer: [UInt8]?
    /// The content type of the backing secret, when Key Vault includes it.
    public var contentType: String?
    /// The attributes.
    public var attributes: KeyVaultObjectAttributes?
    /// The tags.
    public var tags: [String: String]?

    /// Creates a certificate bundle.
    /// - Parameters:
    ///   - id: The identifier.
    ///   - kid: The key identifier.
    ///   - sid: The secret identifier.
    ///   - x5t: The thumbprint.
    ///   - cer: The DER certificate.
    ///   - contentType: The backing secret's content type.
    ///   - attributes: The attributes.
    ///   - tags: The tags.
    public init(
        id: String?, kid: String? = nil, sid: String? = nil, x5t: String? = nil, cer: [UInt8]?,
        contentType: String? = nil, attributes: KeyVaultObjectAttributes? = nil, tags: [String: String]? = nil
    ) {
        self.id = id
        self.kid = kid
        self.sid = sid
        self.x5t = x5t
        self.cer = cer
        self.contentType = contentType
        self.attributes = attributes
        self.tags = tags
    }

    /// The version: the last path segment of ``id``.
    public var version: String? { id.flatMap(KeyVaultIdentifier.init)?.version }

    private enum CodingKeys: String, CodingKey {
        case id, kid, sid, x5t, cer, contentType, attributes, tags
    }

    /// Decodes the Key Vault JSON shape (`cer` is standard base64).
    /// - Parameter decoder: The decoder.
    /// - Throws: `DecodingError` when `cer` is not base64.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        kid = try container.decodeIfPresent(String.self, forKey: .kid)
        sid = try container.decodeIfPresent(String.self, forKey: .sid)
        x5t = try container.decodeIfPresent(String.self, forKey: .x5t)
        contentType = try container.decodeIfPresent(String.self, forKey: .contentType)
        attributes = try container.decodeIfPresent(KeyVaultObjectAttributes.self, forKey: .attributes)
        tags = try container.decodeIfPresent([String: String].self, forKey: .tags)
        if let text = try container.decodeIfPresent(String.self, forKey: .cer) {
            guard let bytes = Base64Text.decodeLenient(text) else {
                throw DecodingError.dataCorruptedError(forKey: .cer, in: container, debugDescription: "cer is not base64")
            }
            cer = bytes
        } else {
            cer = nil
        }
    }

    /// Encodes the Key Vault JSON shape (`cer` as standard base64).
    /// - Parameter encoder: The encoder.
    /// - Throws: Encoding errors.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encodeIfPresent(kid, forKey: .kid)
        try container.encodeIfPresent(sid, forKey: .sid)
        try container.encodeIfPresent(x5t, forKey: .x5t)
        try container.encodeIfPresent(cer.map { Base64Text.encode($0) }, forKey: .cer)
        try container.encodeIfPresent(contentType, forKey: .contentType)
        try container.encodeIfPresent(attributes, forKey: .attributes)
        try container.encodeIfPresent(tags, forKey: .tags)
    }
}
