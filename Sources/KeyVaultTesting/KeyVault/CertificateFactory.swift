import AzureCoreTesting
import Crypto
import Foundation
import SwiftASN1
import X509
import _CryptoExtras

/// Builds self-signed certificates and small chains (root CA -> intermediates -> leaf) for the emulator.
enum CertificateFactory {
    struct Issued {
        var certificate: Certificate
        var key: KeyMaterial.Generated
        var der: Data {
            var serializer = DER.Serializer()
            try? serializer.serialize(certificate)
            return Data(serializer.serializedBytes)
        }
    }

    /// Makes a chain: element 0 is the leaf, the last the root. `depth` 1 is a self-signed leaf.
    static func makeChain(
        leafSubject: String, dnsNames: [String], depth: Int, keySpec: KeyVaultKeySpec, now: Date,
        validityDays: Int = 365
    ) throws -> [Issued] {
        guard (1...5).contains(depth) else {
            throw KeyVaultEmulatorError(code: .invalidArgument, message: "chain depth \(depth) is not between 1 and 5")
        }
        let notBefore = now.addingTimeInterval(-3600)
        let notAfter = now.addingTimeInterval(Double(validityDays) * 86_400)
        if depth == 1 {
            let key = try KeyMaterial.generate(keySpec)
            let subject = try DistinguishedName { CommonName(leafSubject) }
            let cert = try issue(
                subject: subject, subjectKey: key.publicKey, issuer: subject, issuerKey: key.privateKey,
                isCA: false, dnsNames: dnsNames, notBefore: notBefore, notAfter: notAfter)
            return [Issued(certificate: cert, key: key)]
        }
        var chain: [Issued] = []
        // Root first, then intermediates, then the leaf; reversed at the end.
        let caSpec: KeyVaultKeySpec = .ecP256
        var issuerKey = try KeyMaterial.generate(caSpec)
        var issuerName = try DistinguishedName { CommonName("\(leafSubject) Root CA") }
        let root = try issue(
            subject: issuerName, subjectKey: issuerKey.publicKey, issuer: issuerName, issuerKey: issuerKey.privateKey,
            isCA: true, dnsNames: [], notBefore: notBefore, notAfter: notAfter.addingTimeInterval(86_400))
        chain.append(Issued(certificate: root, key: issuerKey))
        for index in 0..<(depth - 2) {
            let key = try KeyMaterial.generate(caSpec)
            let name = try DistinguishedName { CommonName("\(leafSubject) Intermediate CA \(index + 1)") }
            let cert = try issue(
                subject: name, subjectKey: key.publicKey, issuer: issuerName, issuerKey: issuerKey.privateKey,
                isCA: true, dnsNames: [], notBefore: notBefore, notAfter: notAfter.addingTimeInterval(86_400))
            chain.append(Issued(certificate: cert, key: key))
            issuerKey = key
            issuerName = name
        }
        let leafKey = try KeyMaterial.generate(keySpec)
        let leafName = try DistinguishedName { CommonName(leafSubject) }
        let leaf = try issue(
            subject: leafName, subjectKey: leafKey.publicKey, issuer: issuerName, issuerKey: issuerKey.privateKey,
            isCA: false, dnsNames: dnsNames, notBefore: notBefore, notAfter: notAfter)
        chain.append(Issued(certificate: leaf, key: leafKey))
        return chain.reversed()
    }

    private static func issue(
        subject: DistinguishedName, subjectKey: Certificate.PublicKey, issuer: DistinguishedName,
        issuerKey: Certificate.PrivateKey, isCA: Bool, dnsNames: [String], notBefore: Date, notAfter: Date
    ) throws -> Certificate {
        let extensions = try Certificate.Extensions {
            if isCA {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            } else {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                if !dnsNames.isEmpty {
                    SubjectAlternativeNames(dnsNames.map { GeneralName.dnsName($0) })
                }
            }
            SubjectKeyIdentifier(hash: subjectKey)
            if subject != issuer || !isCA {
                AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: issuerKey.publicKey).keyIdentifier)
            }
        }
        return try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: subjectKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: issuer,
            subject: subject,
            signatureAlgorithm: signatureAlgorithm(for: issuerKey),
            extensions: extensions,
            issuerPrivateKey: issuerKey)
    }

    static func signatureAlgorithm(for key: Certificate.PrivateKey) -> Certificate.SignatureAlgorithm {
        switch KeyMaterial.describe(key.publicKey).curve {
        case "P-256": return .ecdsaWithSHA256
        case "P-384": return .ecdsaWithSHA384
        case "P-521": return .ecdsaWithSHA512
        default: return .sha256WithRSAEncryption
        }
    }

    /// The DER of a certificate.
    static func der(_ certificate: Certificate) throws -> Data {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return Data(serializer.serializedBytes)
    }

    /// `CN=...` style subject, as Key Vault policies show it.
    static func subjectString(_ certificate: Certificate) -> String {
        certificate.subject.description
    }

    /// The DNS names of a certificate's subject alternative names.
    static func dnsNames(_ certificate: Certificate) -> [String] {
        guard let san = try? certificate.extensions.subjectAlternativeNames else { return [] }
        return san.compactMap { if case .dnsName(let name) = $0 { return name } else { return nil } }
    }
}
