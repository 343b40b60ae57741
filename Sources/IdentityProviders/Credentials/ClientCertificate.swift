import AzureCore
import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// A certificate and its private key for ``ClientCertificateCredential``, read from PEM.
///
/// Accepts `CERTIFICATE` blocks (leaf and optional chain, in any order: the leaf is the certificate matching the
/// key) and one `PRIVATE KEY` (PKCS#8), `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1) block; base64 lines of
/// any length are accepted. RSA keys sign PS256 (default) or RS256; P-256 keys sign ES256 and P-384 keys ES384.
/// PKCS#12 (PFX) input is read by ``init(pkcs12:password:)``. Encrypted PEM keys are not supported.
public struct ClientCertificate: Sendable {
    enum SigningKey: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
    }

    /// The leaf certificate followed by the rest of the chain.
    public let chain: [Certificate]
    let key: SigningKey
    /// DER of each chain certificate.
    let chainDER: [Data]

    /// The leaf certificate.
    public var leaf: Certificate { chain[0] }

    /// Reads a PEM bundle holding the key and the certificate(s).
    /// - Parameter pem: The PEM text.
    /// - Throws: ``IdentityError`` `invalidConfiguration` when no usable key or matching certificate is found.
    public init(pemEncoded pem: String) throws {
        let blocks = try Self.pemBlocks(pem)
        var certificates: [Certificate] = []
        var key: SigningKey?
        for (label, der) in blocks {
            switch label {
            case "CERTIFICATE":
                certificates.append(try Self.fail { try Certificate(derEncoded: Array(der)) })
            case "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY":
                key = try Self.parseKey(der: der)
            case "ENCRYPTED PRIVATE KEY":
                throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "encrypted private keys are not supported; decrypt the key first")
            default:
                continue
            }
        }
        guard let key else {
            throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "the PEM holds no private key")
        }
        try self.init(certificates: certificates, key: key)
    }

    /// Orders the certificates leaf first (the one matching the key), then issuer by issuer.
    init(certificates: [Certificate], key: SigningKey) throws {
        let publicKey: Certificate.PublicKey
        switch key {
        case .rsa(let k): publicKey = Certificate.PublicKey(k.publicKey)
        case .p256(let k): publicKey = Certificate.PublicKey(k.publicKey)
        case .p384(let k): publicKey = Certificate.PublicKey(k.publicKey)
        }
        guard let leafIndex = certificates.firstIndex(where: { $0.publicKey == publicKey }) else {
            throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "no certificate matches the private key")
        }
        var ordered = [certificates[leafIndex]]
        var rest = certificates
        rest.remove(at: leafIndex)
        // Order the remainder issuer by issuer; any unmatched certificates go last.
        while let next = rest.firstIndex(where: { $0.subject == ordered.last!.issuer && $0 != ordered.last! }) {
            ordered.append(rest.remove(at: next))
        }
        ordered += rest
        self.chain = ordered
        self.key = key
        self.chainDER = try ordered.map { certificate in
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            return Data(serializer.serializedBytes)
        }
    }

    /// Reads a PEM file.
    /// - Parameter path: The file path.
    /// - Returns: The certificate.
    /// - Throws: ``IdentityError`` `invalidConfiguration`.
    public static func load(pemFile path: String) throws -> ClientCertificate {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "cannot read the certificate file \(path)")
        }
        return try ClientCertificate(pemEncoded: String(decoding: data, as: UTF8.self))
    }

    /// Base64url SHA-256 of the leaf's DER (`x5t#S256`).
    public var sha256Thumbprint: String { Base64URL.encode(Data(SHA256.hash(data: chainDER[0]))) }
    /// Base64url SHA-1 of the leaf's DER (`x5t`).
    public var sha1Thumbprint: String { Base64URL.encode(Data(Insecure.SHA1.hash(data: chainDER[0]))) }

    static func parseKey(der: Data) throws -> SigningKey {
        if let rsa = try? _RSA.Signing.PrivateKey(derRepresentation: der) { return .rsa(rsa) }
        if let p256 = try? P256.Signing.PrivateKey(derRepresentation: der) { return .p256(p256) }
        if let p384 = try? P384.Signing.PrivateKey(derRepresentation: der) { return .p384(p384) }
        throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "unsupported private key: use RSA (2048 bits or more), P-256 or P-384")
    }

    private static func fail<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch {
            throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "a certificate in the PEM could not be parsed")
        }
    }

    /// Splits PEM text into (label, DER) pairs with the package's one PEM reader.
    static func pemBlocks(_ text: String) throws(IdentityError) -> [(String, Data)] {
        do {
            return try PEMText.blocks(in: text).map { ($0.type, Data($0.bytes)) }
        } catch {
            throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "the PEM cannot be read: \(error.message)")
        }
    }
}

extension ClientCertificate: CustomStringConvertible, CustomReflectable {
    /// The leaf's subject and SHA-256 thumbprint; never the private key.
    public var description: String {
        "ClientCertificate(subject: \(leaf.subject), x5t#S256: \(sha256Thumbprint), chain: \(chain.count), privateKey: <redacted>)"
    }

    /// A mirror without the private key, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: ["subject": "\(leaf.subject)", "sha256Thumbprint": sha256Thumbprint, "chain": chain.count, "privateKey": "<redacted>"],
            displayStyle: .struct
        )
    }
}
