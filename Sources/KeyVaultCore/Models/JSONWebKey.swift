import Foundation

/// The public part of a Key Vault key, as a JSON Web Key (`key` of a ``KeyBundle``).
///
/// The binary fields are kept as the base64url text Key Vault sends, so that malformed values are reported by
/// the conversion (``ObjectConverter/convert(key:)``) rather than by JSON decoding.
public struct JSONWebKey: Sendable, Hashable, Codable {
    /// The key identifier, `https://<vault>/keys/<name>/<version>`.
    public var kid: String?
    /// The key type: `RSA`, `RSA-HSM`, `EC`, `EC-HSM`, `oct`, `oct-HSM`.
    public var kty: String?
    /// The permitted operations.
    public var keyOps: [String]?
    /// RSA modulus (base64url).
    public var n: String?
    /// RSA public exponent (base64url).
    public var e: String?
    /// Elliptic curve: `P-256`, `P-384`, `P-521`, `P-256K`.
    public var crv: String?
    /// EC x coordinate (base64url).
    public var x: String?
    /// EC y coordinate (base64url).
    public var y: String?

    /// Creates a JSON Web Key.
    /// - Parameters:
    ///   - kid: Key identifier.
    ///   - kty: Key type.
    ///   - keyOps: Permitted operations.
    ///   - n: RSA modulus (base64url).
    ///   - e: RSA exponent (base64url).
    ///   - crv: Curve name.
    ///   - x: EC x (base64url).
    ///   - y: EC y (base64url).
    public init(
        kid: String?, kty: String?, keyOps: [String]? = nil, n: String? = nil, e: String? = nil,
        crv: String? = nil, x: String? = nil, y: String? = nil
    ) {
        self.kid = kid
        self.kty = kty
        self.keyOps = keyOps
        self.n = n
        self.e = e
        self.crv = crv
        self.x = x
        self.y = y
    }

    private enum CodingKeys: String, CodingKey {
        case kid, kty, keyOps = "key_ops", n, e, crv, x, y
    }
}
