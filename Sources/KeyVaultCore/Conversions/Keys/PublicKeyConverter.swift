import COpenSSL
import SwiftASN1

/// Turns a Key Vault JSON Web Key into a SubjectPublicKeyInfo (`PUBLIC KEY`), as Go's
/// `x509.MarshalPKIXPublicKey` encodes it: RSA with `rsaEncryption` and NULL parameters; EC with
/// `id-ecPublicKey`, the named curve and the uncompressed point.
///
/// Unlike the Go provider this also supports `P-256K` (secp256k1). Every input is checked: base64url fields,
/// coordinate lengths, and that the EC point lies on its curve.
public enum PublicKeyConverter {
    /// The curves Key Vault uses, with their OIDs, coordinate sizes and OpenSSL NIDs.
    struct Curve: Sendable {
        let name: String
        let oid: ASN1ObjectIdentifier
        let coordinateSize: Int
        let nid: Int32
    }

    static let curves: [String: Curve] = [
        "P-256": Curve(name: "P-256", oid: [1, 2, 840, 10045, 3, 1, 7], coordinateSize: 32, nid: NID_X9_62_prime256v1),
        "P-384": Curve(name: "P-384", oid: [1, 3, 132, 0, 34], coordinateSize: 48, nid: NID_secp384r1),
        "P-521": Curve(name: "P-521", oid: [1, 3, 132, 0, 35], coordinateSize: 66, nid: NID_secp521r1),
        "P-256K": Curve(name: "P-256K", oid: [1, 3, 132, 0, 10], coordinateSize: 32, nid: NID_secp256k1),
    ]

    static let rsaEncryption: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 1, 1]
    static let idECPublicKey: ASN1ObjectIdentifier = [1, 2, 840, 10045, 2, 1]

    /// The SubjectPublicKeyInfo DER of a JSON Web Key.
    /// - Parameter key: The key (`RSA`, `RSA-HSM`, `EC`, `EC-HSM`).
    /// - Returns: The DER bytes.
    /// - Throws: ``ConversionError``: ``ConversionError/Code/unsupportedKeyType`` (with the Go provider's text
    ///   `failed to get key. key type '<kty>' currently not supported`), ``ConversionError/Code/unsupportedCurve``
    ///   (`curve <crv> is not supported`) or ``ConversionError/Code/invalidJWK``.
    public static func subjectPublicKeyInfoDER(of key: JSONWebKey) throws -> [UInt8] {
        let type = key.kty ?? ""
        switch type {
        case "RSA", "RSA-HSM":
            return try rsa(key)
        case "EC", "EC-HSM":
            return try ec(key)
        default:
            throw ConversionError(
                code: .unsupportedKeyType,
                message: "failed to get key. key type '\(type)' currently not supported"
            )
        }
    }

    /// The `PUBLIC KEY` PEM text of a JSON Web Key (Go layout: 64-character lines, trailing newline).
    /// - Parameter key: The key.
    /// - Returns: The PEM text.
    /// - Throws: See ``subjectPublicKeyInfoDER(of:)``.
    public static func publicKeyPEM(of key: JSONWebKey) throws -> String {
        PEMBlock(type: "PUBLIC KEY", bytes: try subjectPublicKeyInfoDER(of: key)).encoded
    }

    // MARK: - RSA

    private static func rsa(_ key: JSONWebKey) throws -> [UInt8] {
        let modulus = stripLeadingZeros(try field(key.n, "n"))
        let exponent = stripLeadingZeros(try field(key.e, "e"))
        guard !modulus.isEmpty, modulus.count <= 2048 else {
            throw ConversionError(code: .invalidJWK, message: "RSA modulus n is zero or longer than 16384 bits")
        }
        guard !exponent.isEmpty, exponent.count <= 64 else {
            throw ConversionError(code: .invalidJWK, message: "RSA exponent e is zero or too long")
        }
        var inner = DER.Serializer()
        try inner.appendConstructedNode(identifier: .sequence) { sequence in
            try sequence.serialize(ArraySlice(modulus))
            try sequence.serialize(ArraySlice(exponent))
        }
        return try subjectPublicKeyInfo(
            algorithm: rsaEncryption, parameters: .null, subjectPublicKey: inner.serializedBytes
        )
    }

    // MARK: - EC

    private static func ec(_ key: JSONWebKey) throws -> [UInt8] {
        let name = key.crv ?? ""
        guard let curve = curves[name] else {
            throw ConversionError(code: .unsupportedCurve, message: "curve \(name) is not supported")
        }
        let x = try coordinate(key.x, "x", curve: curve)
        let y = try coordinate(key.y, "y", curve: curve)
        let point = [0x04] + x + y
        try validate(point: point, on: curve)
        return try subjectPublicKeyInfo(algorithm: idECPublicKey, parameters: .curve(curve.oid), subjectPublicKey: point)
    }

    /// Decodes a coordinate and left-pads it to the curve's size (a big-endian integer may lose leading zeros).
    private static func coordinate(_ value: String?, _ label: String, curve: Curve) throws -> [UInt8] {
        let bytes = try field(value, label)
        let significant = stripLeadingZeros(bytes)
        guard bytes.count <= curve.coordinateSize || significant.count <= curve.coordinateSize else {
            throw ConversionError(
                code: .invalidJWK,
                message: "EC coordinate \(label) is \(bytes.count) bytes; \(curve.name) needs \(curve.coordinateSize)"
            )
        }
        return Array(repeating: 0, count: curve.coordinateSize - significant.count) + significant
    }

    /// Checks with OpenSSL that the uncompressed point lies on the curve.
    private static func validate(point: [UInt8], on curve: Curve) throws {
        let valid: Bool = OpenSSLLibraryContext.shared.withContext {
            guard let group = EC_GROUP_new_by_curve_name(curve.nid) else { return false }
            defer { EC_GROUP_free(group) }
            guard let ecPoint = EC_POINT_new(group) else { return false }
            defer { EC_POINT_free(ecPoint) }
            let decoded = point.withUnsafeBufferPointer { EC_POINT_oct2point(group, ecPoint, $0.baseAddress, $0.count, nil) }
            return decoded == 1 && EC_POINT_is_on_curve(group, ecPoint, nil) == 1
        }
        guard valid else {
            throw ConversionError(code: .invalidJWK, message: "the EC point (x, y) is not on curve \(curve.name)")
        }
    }

    // MARK: - Shared

    private enum Parameters {
        case null
        case curve(ASN1ObjectIdentifier)
    }

    private static func subjectPublicKeyInfo(
        algorithm: ASN1ObjectIdentifier, parameters: Parameters, subjectPublicKey: [UInt8]
    ) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { spki in
            try spki.appendConstructedNode(identifier: .sequence) { algorithmIdentifier in
                try algorithmIdentifier.serialize(algorithm)
                switch parameters {
                case .null: try algorithmIdentifier.serialize(ASN1Null())
                case .curve(let oid): try algorithmIdentifier.serialize(oid)
                }
            }
            try spki.serialize(ASN1BitString(bytes: ArraySlice(subjectPublicKey)))
        }
        return serializer.serializedBytes
    }

    private static func field(_ value: String?, _ label: String) throws -> [UInt8] {
        guard let value, !value.isEmpty else {
            throw ConversionError(code: .invalidJWK, message: "the JSON Web Key has no '\(label)'")
        }
        guard let bytes = Base64Text.decodeLenient(value) else {
            throw ConversionError(code: .invalidJWK, message: "the JSON Web Key's '\(label)' is not base64url")
        }
        return bytes
    }

    private static func stripLeadingZeros(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.drop { $0 == 0 })
    }
}
