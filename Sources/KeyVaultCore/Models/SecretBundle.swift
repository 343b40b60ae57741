import Foundation

/// A Key Vault secret as `GET /secrets/{name}/{version}` returns it.
///
/// The ``value`` is secret: ``description``, ``debugDescription`` and `dump`/`Mirror` never show it.
public struct SecretBundle: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret value (for a certificate-backed secret: base64 PKCS#12 or PEM text).
    public var value: String?
    /// The identifier, `https://<vault>/secrets/<name>/<version>`.
    public var id: String?
    /// The content type, for example `text/plain`, `application/x-pkcs12` or `application/x-pem-file`.
    public var contentType: String?
    /// The key identifier, set only when the secret backs a certificate.
    public var kid: String?
    /// Whether Key Vault manages the secret (certificate-backed secrets).
    public var managed: Bool?
    /// The attributes.
    public var attributes: KeyVaultObjectAttributes?
    /// The tags.
    public var tags: [String: String]?

    /// Creates a secret bundle.
    /// - Parameters:
    ///   - value: The value.
    ///   - id: The identifier.
    ///   - contentType: The content type.
    ///   - kid: The key identifier (certificate-backed secrets).
    ///   - managed: Whether managed by Key Vault.
    ///   - attributes: The attributes.
    ///   - tags: The tags.
    public init(
        value: String?, id: String?, contentType: String? = nil, kid: String? = nil, managed: Bool? = nil,
        attributes: KeyVaultObjectAttributes? = nil, tags: [String: String]? = nil
    ) {
        self.value = value
        self.id = id
        self.contentType = contentType
        self.kid = kid
        self.managed = managed
        self.attributes = attributes
        self.tags = tags
    }

    /// The version: the last path segment of ``id``.
    public var version: String? { id.flatMap(KeyVaultIdentifier.init)?.version }

    /// A description without the value.
    public var description: String {
        "SecretBundle(id: \(id ?? "nil"), contentType: \(contentType ?? "nil"), kid: \(kid ?? "nil"), value: <redacted>)"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror with the value replaced by `<redacted>`, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "value": value == nil ? "nil" : "<redacted>", "id": id as Any, "contentType": contentType as Any,
                "kid": kid as Any, "managed": managed as Any, "attributes": attributes as Any, "tags": tags as Any,
            ],
            displayStyle: .struct
        )
    }
}
