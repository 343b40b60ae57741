import AzureCore
import AzureCoreTesting
import Crypto
import Foundation
import _CryptoExtras

/// Minimal JWT handling for the emulators: base64url, ES256 signing, and verification of ES256, RS256 and PS256
/// signatures against keys from a JWKS or a certificate.
enum EmulatorJWT {
    struct Decoded {
        var header: [String: Any]
        var claims: [String: Any]
        var signingInput: Data
        var signature: Data
    }

    enum VerificationKey {
        case p256(P256.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey)
    }

    static func base64URL(_ data: some DataProtocol) -> String { Base64URL.encode(data) }

    static func base64URLDecode(_ string: some StringProtocol) -> Data? { Base64URL.decode(string) }

    static func sign(header: [String: Any], claims: [String: Any], key: P256.Signing.PrivateKey) throws -> String {
        let h = base64URL(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let c = base64URL(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let input = Data("\(h).\(c)".utf8)
        let signature = try key.signature(for: input)
        return "\(h).\(c).\(base64URL(signature.rawRepresentation))"
    }

    static func decode(_ token: String) throws -> Decoded {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
            let headerData = base64URLDecode(parts[0]),
            let claimsData = base64URLDecode(parts[1]),
            let signature = base64URLDecode(parts[2]),
            let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
            let claims = try? JSONSerialization.jsonObject(with: claimsData) as? [String: Any]
        else {
            throw EmulatorError(code: .invalidToken, message: "the token is not a well-formed JWT")
        }
        return Decoded(header: header, claims: claims, signingInput: Data("\(parts[0]).\(parts[1])".utf8), signature: signature)
    }

    static func verify(_ decoded: Decoded, with key: VerificationKey) -> Bool {
        let alg = decoded.header["alg"] as? String ?? ""
        switch (alg, key) {
        case ("ES256", .p256(let key)):
            guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: decoded.signature) else { return false }
            return key.isValidSignature(signature, for: decoded.signingInput)
        case ("RS256", .rsa(let key)):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: decoded.signature),
                for: SHA256.hash(data: decoded.signingInput),
                padding: .insecurePKCS1v1_5
            )
        case ("PS256", .rsa(let key)):
            return key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: decoded.signature),
                for: SHA256.hash(data: decoded.signingInput),
                padding: .PSS
            )
        default:
            return false
        }
    }

    /// Parses one JWK (`kty` `EC` P-256 or `RSA`).
    static func key(fromJWK jwk: [String: Any]) -> VerificationKey? {
        switch jwk["kty"] as? String {
        case "EC":
            guard jwk["crv"] as? String == "P-256",
                let x = (jwk["x"] as? String).flatMap({ base64URLDecode($0) }),
                let y = (jwk["y"] as? String).flatMap({ base64URLDecode($0) }),
                let key = try? P256.Signing.PublicKey(rawRepresentation: x + y)
            else { return nil }
            return .p256(key)
        case "RSA":
            guard let n = (jwk["n"] as? String).flatMap({ base64URLDecode($0) }),
                let e = (jwk["e"] as? String).flatMap({ base64URLDecode($0) }),
                let key = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { return nil }
            return .rsa(key)
        default:
            return nil
        }
    }

    static func jwk(for key: P256.Signing.PublicKey, kid: String) -> [String: Any] {
        let raw = key.rawRepresentation
        return [
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": base64URL(raw.prefix(32)), "y": base64URL(raw.suffix(32)),
        ]
    }

    static func number(_ value: Any?) -> Double? {
        if let n = value as? NSNumber { return n.doubleValue }
        if let s = value as? String { return Double(s) }
        return nil
    }

    static func audiences(_ value: Any?) -> [String] {
        if let s = value as? String { return [s] }
        if let a = value as? [String] { return a }
        return []
    }
}
