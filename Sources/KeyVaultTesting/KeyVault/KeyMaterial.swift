import AzureCore
import AzureCoreTesting
import Crypto
import Foundation
import Synchronization
import X509
import _CryptoExtras

/// RSA keys for the emulators, from a small process-wide pool per size: generating an RSA key is most of the CPU an
/// emulator start costs (test suites start hundreds), so the n-th key of a size is pool slot n mod 16. Sixteen
/// consecutive keys of one size are always distinct; these are test fixtures, never real keys.
enum RSAKeyPool {
    private static let slots = 16
    private static let state = Mutex<(next: [Int: Int], keys: [Int: [_RSA.Signing.PrivateKey]])>(([:], [:]))

    static func key(bits: Int, size: _RSA.Signing.KeySize) throws -> _RSA.Signing.PrivateKey {
        let (slot, existing) = state.withLock { state -> (Int, _RSA.Signing.PrivateKey?) in
            let slot = state.next[bits, default: 0]
            state.next[bits] = (slot + 1) % slots
            let keys = state.keys[bits, default: []]
            return (slot, slot < keys.count ? keys[slot] : nil)
        }
        if let existing { return existing }
        let key = try _RSA.Signing.PrivateKey(keySize: size)
        state.withLock { state in
            var keys = state.keys[bits, default: []]
            if slot == keys.count { keys.append(key) }
            state.keys[bits] = keys
        }
        return key
    }
}

/// Key generation and JWK building for the emulator.
enum KeyMaterial {
    /// A generated private key with its PKCS#8 encoding.
    struct Generated {
        var privateKey: Certificate.PrivateKey
        var pkcs8DER: Data
        var publicKey: Certificate.PublicKey { privateKey.publicKey }
    }

    static func generate(_ spec: KeyVaultKeySpec) throws -> Generated {
        switch spec {
        case .rsa(let bits):
            let size: _RSA.Signing.KeySize
            switch bits {
            case 2048: size = .bits2048
            case 3072: size = .bits3072
            case 4096: size = .bits4096
            default:
                throw KeyVaultEmulatorError(code: .invalidArgument, message: "RSA key size \(bits) is not 2048, 3072 or 4096")
            }
            let key = try RSAKeyPool.key(bits: bits, size: size)
            return Generated(privateKey: Certificate.PrivateKey(key), pkcs8DER: key.pkcs8DERRepresentation)
        case .ec(let curve):
            switch curve.uppercased() {
            case "P-256":
                let key = P256.Signing.PrivateKey()
                return Generated(privateKey: Certificate.PrivateKey(key), pkcs8DER: key.derRepresentation)
            case "P-384":
                let key = P384.Signing.PrivateKey()
                return Generated(privateKey: Certificate.PrivateKey(key), pkcs8DER: key.derRepresentation)
            case "P-521":
                let key = P521.Signing.PrivateKey()
                return Generated(privateKey: Certificate.PrivateKey(key), pkcs8DER: key.derRepresentation)
            default:
                throw KeyVaultEmulatorError(
                    code: .invalidArgument, message: "curve \(curve) cannot be generated (P-256, P-384, P-521; import P-256K as a JWK)")
            }
        }
    }

    /// The public JWK fields (`kty`, `n`/`e` or `crv`/`x`/`y`) of a public key.
    static func jwk(for publicKey: Certificate.PublicKey) throws -> [String: JSONValue] {
        if let rsa = _RSA.Signing.PublicKey(publicKey) {
            let primitives = try rsa.getKeyPrimitives()
            return [
                "kty": "RSA", "n": .string(base64URL(stripLeadingZeros(primitives.modulus))),
                "e": .string(base64URL(stripLeadingZeros(primitives.publicExponent))),
            ]
        }
        if let key = P256.Signing.PublicKey(publicKey) { return ec("P-256", key.rawRepresentation, 32) }
        if let key = P384.Signing.PublicKey(publicKey) { return ec("P-384", key.rawRepresentation, 48) }
        if let key = P521.Signing.PublicKey(publicKey) { return ec("P-521", key.rawRepresentation, 66) }
        throw KeyVaultEmulatorError(code: .invalidCertificateMaterial, message: "unsupported public key type")
    }

    /// The `kty`, key size and curve of a public key, for certificate policies.
    static func describe(_ publicKey: Certificate.PublicKey) -> (kty: String, size: Int?, curve: String?) {
        if let rsa = _RSA.Signing.PublicKey(publicKey) { return ("RSA", rsa.keySizeInBits, nil) }
        if P256.Signing.PublicKey(publicKey) != nil { return ("EC", nil, "P-256") }
        if P384.Signing.PublicKey(publicKey) != nil { return ("EC", nil, "P-384") }
        if P521.Signing.PublicKey(publicKey) != nil { return ("EC", nil, "P-521") }
        return ("RSA", nil, nil)
    }

    static func defaultKeyOperations(kty: String) -> [String] {
        kty.hasPrefix("EC") ? ["sign", "verify"] : ["encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"]
    }

    private static func ec(_ curve: String, _ raw: Data, _ size: Int) -> [String: JSONValue] {
        let bytes = [UInt8](raw)
        return [
            "kty": "EC", "crv": .string(curve),
            "x": .string(base64URL(Data(bytes[0..<size]))), "y": .string(base64URL(Data(bytes[size..<(2 * size)]))),
        ]
    }

    private static func stripLeadingZeros(_ data: Data) -> Data {
        let bytes = [UInt8](data)
        guard let first = bytes.firstIndex(where: { $0 != 0 }) else { return Data([0]) }
        return Data(bytes[first...])
    }

    static func base64URL(_ data: some DataProtocol) -> String { Base64URL.encode(data) }

    /// The `x5t` of a certificate: base64url SHA-1 of its DER.
    static func thumbprint(_ der: some DataProtocol) -> String {
        base64URL(Data(Insecure.SHA1.hash(data: Data(der))))
    }
}
