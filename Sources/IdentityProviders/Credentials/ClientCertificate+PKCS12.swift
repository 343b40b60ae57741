import Foundation
import NIOSSL
import SwiftASN1
import X509

extension ClientCertificate {
    /// Reads a PKCS#12 (PFX) file holding the private key and its certificate chain.
    ///
    /// Parsing uses BoringSSL through `NIOSSLPKCS12Bundle` (RC2-40, 3DES, AES/PBKDF2, SHA-1 and SHA-256 MACs).
    /// Because that parser terminates the process on a PFX without a private key, the structure is checked first:
    /// a PFX whose key is not in a visible (`data`) safe is refused with an error instead of being parsed. Files made
    /// by OpenSSL, Windows and Key Vault keep the key there.
    /// - Parameters:
    ///   - data: The PFX bytes.
    ///   - password: The password (`nil` or empty for none).
    /// - Throws: ``IdentityError`` `invalidConfiguration` (no key, wrong password, unsupported key).
    public init(pkcs12 data: Data, password: String?) throws {
        let bytes = Array(data)
        let hasKey: Bool
        do {
            hasKey = try PKCS12Inspection.hasVisibleKeyBag(bytes)
        } catch {
            throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "the PKCS#12 data is not a well-formed PFX")
        }
        guard hasKey else {
            throw IdentityError(
                code: .invalidConfiguration, credential: "ClientCertificateCredential",
                message: "the PKCS#12 data holds no private key (or keeps it in an encrypted safe, which is not supported); export the certificate with its private key"
            )
        }
        let bundle: NIOSSLPKCS12Bundle
        do {
            bundle = try NIOSSLPKCS12Bundle(buffer: bytes, passphrase: Array((password ?? "").utf8))
        } catch {
            throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "the PKCS#12 data could not be decrypted (wrong password?)")
        }
        let certificates = try bundle.certificateChain.map { try Certificate(derEncoded: try $0.toDERBytes()) }
        let key = try Self.parseKey(der: Data(bundle.privateKey.derBytes))
        try self.init(certificates: certificates, key: key)
    }

    /// Reads a PKCS#12 file.
    /// - Parameters:
    ///   - path: The file path.
    ///   - password: The password.
    /// - Returns: The certificate.
    /// - Throws: ``IdentityError`` `invalidConfiguration`.
    public static func load(pkcs12File path: String, password: String?) throws -> ClientCertificate {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IdentityError(code: .invalidConfiguration, credential: "ClientCertificateCredential", message: "cannot read the certificate file \(path)")
        }
        return try ClientCertificate(pkcs12: data, password: password)
    }
}

/// A structural look into a PFX, without decrypting anything.
enum PKCS12Inspection {
    static let dataOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 7, 1]
    static let keyBagOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 1]
    static let shroudedKeyBagOID: ASN1ObjectIdentifier = [1, 2, 840, 113549, 1, 12, 10, 1, 2]

    struct Malformed: Error {}

    /// Whether a `keyBag` or `pkcs8ShroudedKeyBag` sits in an unencrypted (`data`) safe of the PFX.
    static func hasVisibleKeyBag(_ bytes: [UInt8]) throws -> Bool {
        let pfx = try BER.parse(bytes)
        let items = children(pfx)
        guard items.count >= 2 else { throw Malformed() }
        let authSafe = try BER.parse(try dataContent(of: items[1]))
        for contentInfo in children(authSafe) {
            let parts = children(contentInfo)
            guard parts.count >= 2, try ASN1ObjectIdentifier(berEncoded: parts[0]) == dataOID else { continue }
            let safeContents = try BER.parse(try explicitOctets(parts[1]))
            for bag in children(safeContents) {
                guard let id = children(bag).first else { continue }
                let oid = try ASN1ObjectIdentifier(berEncoded: id)
                if oid == keyBagOID || oid == shroudedKeyBagOID { return true }
            }
        }
        return false
    }

    /// The OCTET STRING content of a `data` ContentInfo.
    private static func dataContent(of contentInfo: ASN1Node) throws -> [UInt8] {
        let parts = children(contentInfo)
        guard parts.count >= 2, try ASN1ObjectIdentifier(berEncoded: parts[0]) == dataOID else { throw Malformed() }
        return try explicitOctets(parts[1])
    }

    /// `[0] EXPLICIT OCTET STRING` → bytes.
    private static func explicitOctets(_ node: ASN1Node) throws -> [UInt8] {
        guard let inner = children(node).first else { throw Malformed() }
        return octets(inner)
    }

    private static func octets(_ node: ASN1Node) -> [UInt8] {
        switch node.content {
        case .primitive(let bytes): return Array(bytes)
        case .constructed(let nodes): return nodes.flatMap { octets($0) }
        }
    }

    private static func children(_ node: ASN1Node) -> [ASN1Node] {
        if case .constructed(let nodes) = node.content { return Array(nodes) }
        return []
    }
}
