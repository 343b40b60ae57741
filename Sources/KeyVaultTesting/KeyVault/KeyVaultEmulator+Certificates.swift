import AzureCoreTesting
import Crypto
import Foundation
import KeyVaultCore
import SwiftASN1
import X509
import _CryptoExtras

extension KeyVaultEmulator {
    /// The content type of a PKCS#12 certificate-backed secret.
    public static let pkcs12ContentType = "application/x-pkcs12"
    /// The content type of a PEM certificate-backed secret.
    public static let pemContentType = "application/x-pem-file"

    /// Imports a certificate from a PKCS#12 file, as `POST /certificates/{name}/import` does: a certificate
    /// version, a key version (the public JWK) and a backing secret version (a PFX with an empty password, or a
    /// PEM bundle), all with the same version ID.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - name: The certificate name.
    ///   - pfx: The PKCS#12 bytes.
    ///   - password: The file's password.
    ///   - secretContentType: `application/x-pkcs12` (default) or `application/x-pem-file`.
    ///   - tags: Tags.
    /// - Returns: The new version's ID.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound`, `invalidArgument` or
    ///   `invalidCertificateMaterial` (unreadable PFX, no private key, no certificate matching the key).
    @discardableResult
    public func importCertificate(
        vault: String, name: String, pfx: Data, password: String = "", secretContentType: String? = nil,
        tags: [String: String] = [:]
    ) throws -> String {
        let bundle: PKCS12Bundle
        do {
            bundle = try PKCS12Bundle.parse([UInt8](pfx), password: password)
        } catch {
            throw KeyVaultEmulatorError(
                code: .invalidCertificateMaterial, vault: vault, object: "certificates/\(name)",
                message: "the PKCS#12 file cannot be read: \(error)")
        }
        guard let key = bundle.privateKeyPKCS8DER else {
            throw KeyVaultEmulatorError(
                code: .invalidCertificateMaterial, vault: vault, object: "certificates/\(name)",
                message: "the PKCS#12 file holds no private key")
        }
        return try storeCertificate(
            vault: vault, name: name, privateKeyPKCS8: Data(key), certificatesDER: bundle.certificatesDER.map { Data($0) },
            secretContentType: secretContentType ?? Self.pkcs12ContentType, issuerName: "Unknown", tags: tags)
    }

    /// Imports a certificate from PEM text (a private key block and one or more `CERTIFICATE` blocks), as
    /// `POST /certificates/{name}/import` does with `application/x-pem-file`.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - name: The certificate name.
    ///   - pem: The PEM text (`PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY`, then certificates).
    ///   - secretContentType: `application/x-pem-file` (default) or `application/x-pkcs12`.
    ///   - tags: Tags.
    /// - Returns: The new version's ID.
    /// - Throws: ``KeyVaultEmulatorError`` with `vaultNotFound` or `invalidCertificateMaterial`.
    @discardableResult
    public func importCertificate(
        vault: String, name: String, pem: String, secretContentType: String? = nil, tags: [String: String] = [:]
    ) throws -> String {
        let blocks = PEMBlocks.parse(pem)
        let certificates = blocks.filter { $0.label == "CERTIFICATE" }.map(\.der)
        guard let keyBlock = blocks.first(where: { $0.label.hasSuffix("PRIVATE KEY") }) else {
            throw KeyVaultEmulatorError(
                code: .invalidCertificateMaterial, vault: vault, object: "certificates/\(name)",
                message: "the PEM content has no private key")
        }
        let pkcs8 = try Self.pkcs8(from: keyBlock, vault: vault, name: name)
        return try storeCertificate(
            vault: vault, name: name, privateKeyPKCS8: pkcs8, certificatesDER: certificates,
            secretContentType: secretContentType ?? Self.pemContentType, issuerName: "Unknown", tags: tags)
    }

    /// Generates a certificate chain (root CA, `depth - 2` intermediates, leaf; or a self-signed leaf for
    /// depth 1) and stores the leaf as a certificate whose backing secret holds the leaf key and the whole
    /// chain, leaf first.
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - name: The certificate name.
    ///   - subject: The leaf's common name.
    ///   - dnsNames: The leaf's DNS subject alternative names.
    ///   - depth: Certificates in the chain, 1 to 5.
    ///   - keySpec: The leaf's key (CAs use P-256).
    ///   - secretContentType: `application/x-pkcs12` (default) or `application/x-pem-file`.
    ///   - tags: Tags.
    /// - Returns: The version and the generated material.
    /// - Throws: ``KeyVaultEmulatorError``.
    @discardableResult
    public func createCertificateChain(
        vault: String, name: String, subject: String, dnsNames: [String] = [], depth: Int = 3,
        keySpec: KeyVaultKeySpec = .rsa2048, secretContentType: String? = nil, tags: [String: String] = [:]
    ) throws -> GeneratedCertificateChain {
        let chain = try CertificateFactory.makeChain(
            leafSubject: subject, dnsNames: dnsNames, depth: depth, keySpec: keySpec, now: now())
        let ders = try chain.map { try CertificateFactory.der($0.certificate) }
        let leafKey = chain[0].key.pkcs8DER
        let version = try storeCertificate(
            vault: vault, name: name, privateKeyPKCS8: leafKey, certificatesDER: ders,
            secretContentType: secretContentType ?? Self.pkcs12ContentType, issuerName: depth == 1 ? "Self" : "Unknown",
            tags: tags)
        return GeneratedCertificateChain(version: version, certificatesDER: ders, leafPrivateKeyPKCS8DER: leafKey)
    }

    /// Generates a self-signed certificate (a chain of depth 1).
    /// - Parameters:
    ///   - vault: The vault name.
    ///   - name: The certificate name.
    ///   - subject: The common name.
    ///   - dnsNames: DNS subject alternative names.
    ///   - keySpec: The key.
    ///   - secretContentType: The backing secret's content type.
    /// - Returns: The version and the generated material.
    /// - Throws: ``KeyVaultEmulatorError``.
    @discardableResult
    public func createSelfSignedCertificate(
        vault: String, name: String, subject: String, dnsNames: [String] = [], keySpec: KeyVaultKeySpec = .rsa2048,
        secretContentType: String? = nil
    ) throws -> GeneratedCertificateChain {
        try createCertificateChain(
            vault: vault, name: name, subject: subject, dnsNames: dnsNames, depth: 1, keySpec: keySpec,
            secretContentType: secretContentType)
    }

    // MARK: Internals

    static func pkcs8(from block: PEMBlocks.Block, vault: String, name: String) throws -> Data {
        do {
            switch block.label {
            case "PRIVATE KEY":
                _ = try Certificate.PrivateKey(derBytes: [UInt8](block.der))
                return block.der
            case "RSA PRIVATE KEY":
                return try _RSA.Signing.PrivateKey(derRepresentation: block.der).pkcs8DERRepresentation
            case "EC PRIVATE KEY":
                if let key = try? P256.Signing.PrivateKey(derRepresentation: block.der) { return key.derRepresentation }
                if let key = try? P384.Signing.PrivateKey(derRepresentation: block.der) { return key.derRepresentation }
                return try P521.Signing.PrivateKey(derRepresentation: block.der).derRepresentation
            default:
                throw KeyVaultEmulatorError(
                    code: .invalidCertificateMaterial, vault: vault, object: "certificates/\(name)",
                    message: "unsupported private key block \(block.label)")
            }
        } catch let error as KeyVaultEmulatorError {
            throw error
        } catch {
            throw KeyVaultEmulatorError(
                code: .invalidCertificateMaterial, vault: vault, object: "certificates/\(name)",
                message: "the private key cannot be read")
        }
    }

    /// Stores certificate + key + backing secret under one new version.
    func storeCertificate(
        vault: String, name: String, privateKeyPKCS8: Data, certificatesDER: [Data], secretContentType: String,
        issuerName: String, tags: [String: String]
    ) throws -> String {
        try Self.checkObjectName(name, vault: vault)
        guard vaultKey(vault) != nil else {
            throw KeyVaultEmulatorError(code: .vaultNotFound, vault: vault, message: "no vault with this name")
        }
        let object = "certificates/\(name)"
        guard secretContentType == Self.pkcs12ContentType || secretContentType == Self.pemContentType else {
            throw KeyVaultEmulatorError(
                code: .invalidArgument, vault: vault, object: object,
                message: "secret content type must be application/x-pkcs12 or application/x-pem-file")
        }
        let privateKey: Certificate.PrivateKey
        do {
            privateKey = try Certificate.PrivateKey(derBytes: [UInt8](privateKeyPKCS8))
        } catch {
            throw KeyVaultEmulatorError(
                code: .invalidCertificateMaterial, vault: vault, object: object, message: "the private key cannot be read")
        }
        var parsed: [(der: Data, certificate: Certificate)] = []
        for der in certificatesDER {
            guard let certificate = try? Certificate(derEncoded: [UInt8](der)) else {
                throw KeyVaultEmulatorError(
                    code: .invalidCertificateMaterial, vault: vault, object: object, message: "a certificate cannot be read")
            }
            parsed.append((der, certificate))
        }
        guard let leafIndex = parsed.firstIndex(where: { $0.certificate.publicKey == privateKey.publicKey }) else {
            throw KeyVaultEmulatorError(
                code: .invalidCertificateMaterial, vault: vault, object: object,
                message: "no certificate matches the private key")
        }
        let leaf = parsed[leafIndex]
        var others = parsed
        others.remove(at: leafIndex)
        let ordered = [leaf.der] + others.map(\.der)

        let secretValue: String
        switch secretContentType {
        case Self.pemContentType:
            secretValue = PEMBlocks.encode(label: "PRIVATE KEY", der: privateKeyPKCS8)
                + ordered.map { PEMBlocks.encode(label: "CERTIFICATE", der: $0) }.joined()
        default:
            do {
                let pfx = try PKCS12Bundle.build(
                    privateKeyPKCS8DER: [UInt8](privateKeyPKCS8), certificatesDER: ordered.map { [UInt8]($0) },
                    password: "")
                secretValue = Data(pfx).base64EncodedString()
            } catch {
                throw KeyVaultEmulatorError(
                    code: .invalidCertificateMaterial, vault: vault, object: object,
                    message: "the PKCS#12 backing secret cannot be built: \(error)")
            }
        }

        var jwk = try KeyMaterial.jwk(for: leaf.certificate.publicKey)
        let described = KeyMaterial.describe(leaf.certificate.publicKey)
        jwk["key_ops"] = .array(KeyMaterial.defaultKeyOperations(kty: described.kty).map { .string($0) })
        let version = Self.newVersion()
        let stamp = Int64(now().timeIntervalSince1970)
        let notBefore = Int64(leaf.certificate.notValidBefore.timeIntervalSince1970)
        let expires = Int64(leaf.certificate.notValidAfter.timeIntervalSince1970)
        try mutateVault(vault) { state in
            let keyName = state.canonicalName(name, in: state.keys) ?? name
            state.keys[keyName, default: []].append(
                KeyRecord(
                    version: version, jwk: jwk, privateKeyPKCS8: privateKeyPKCS8, enabled: true, created: stamp,
                    updated: stamp, notBefore: notBefore, expires: expires, tags: tags, managed: true))
            let secretName = state.canonicalName(name, in: state.secrets) ?? name
            state.secrets[secretName, default: []].append(
                SecretRecord(
                    version: version, value: secretValue, contentType: secretContentType, enabled: true,
                    created: stamp, updated: stamp, notBefore: notBefore, expires: expires, tags: tags,
                    keyPath: "keys/\(keyName)/\(version)", managed: true))
            let certificateName = state.canonicalName(name, in: state.certificates) ?? name
            state.certificates[certificateName, default: []].append(
                CertificateRecord(
                    version: version, certificateDER: leaf.der, chainDER: others.map(\.der),
                    secretContentType: secretContentType, enabled: true, created: stamp, updated: stamp,
                    notBefore: notBefore, expires: expires, tags: tags,
                    subject: CertificateFactory.subjectString(leaf.certificate), issuerName: issuerName,
                    keyType: described.kty, keySize: described.size, curve: described.curve, exportable: true,
                    dnsNames: CertificateFactory.dnsNames(leaf.certificate)))
        }
        return version
    }
}
