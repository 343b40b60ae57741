import Crypto
import Foundation
import SwiftASN1
import X509

/// A throw-away certificate authority generated in memory, for loopback HTTPS test servers.
///
/// At creation it mints a P-256 root and a server leaf valid for `127.0.0.1`, `::1` and `localhost`. Hand
/// ``caPEM`` (or the file written by ``writeCAPEM(to:)``) to the client as an extra trust root; nothing is
/// installed system-wide. Extra leaves (client certificates, Key Vault certificate fixtures) can be issued with
/// ``issueCertificate(commonName:publicKey:dnsNames:ipAddresses:validity:notBefore:isCertificateAuthority:extendedKeyUsage:)``.
public struct TestCertificateAuthority: Sendable {
    /// A certificate issued by the authority, with its private key when the authority generated the key.
    public struct IssuedCertificate: Sendable {
        /// The certificate.
        public var certificate: Certificate
        /// The private key, when the authority generated it.
        public var privateKey: Certificate.PrivateKey?

        /// The certificate as PEM.
        public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }
        /// The certificate as DER bytes.
        public var certificateDER: [UInt8] {
            var serializer = DER.Serializer()
            try? serializer.serialize(certificate)
            return serializer.serializedBytes
        }
        /// The private key as PKCS#8 (or PKCS#1 for RSA) PEM, when present.
        public var privateKeyPEM: String? { privateKey.flatMap { try? $0.serializeAsPEM().pemString } }
    }

    /// The root certificate.
    public let caCertificate: Certificate
    /// The root's private key (P-256).
    public let caPrivateKey: Certificate.PrivateKey
    /// The default server leaf for `127.0.0.1`, `::1` and `localhost`, with its key.
    public let serverCertificate: IssuedCertificate

    /// Generates a new root and server leaf.
    /// - Parameter commonName: The root's common name.
    /// - Throws: An error from certificate construction (not expected).
    public init(commonName: String = "KeyVaultTesting Root CA") throws {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName {
            OrganizationName("KeyVaultTesting")
            CommonName(commonName)
        }
        let now = Date()
        let root = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(10 * 24 * 3600),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key
        )
        self.caCertificate = root
        self.caPrivateKey = key
        self.serverCertificate = try Self.issue(
            caCertificate: root,
            caKey: key,
            commonName: "localhost",
            publicKey: nil,
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1", "::1"],
            validity: 10 * 24 * 3600,
            notBefore: now.addingTimeInterval(-3600),
            isCertificateAuthority: false,
            extendedKeyUsage: [.serverAuth, .clientAuth]
        )
    }

    /// The root certificate as PEM, to use as a client trust root.
    public var caPEM: String { (try? caCertificate.serializeAsPEM().pemString) ?? "" }

    /// Writes the root certificate as PEM to a file (for clients that take a CA bundle path).
    /// - Parameter url: Destination file.
    /// - Throws: A file-system error.
    public func writeCAPEM(to url: URL) throws {
        try Data((caPEM + "\n").utf8).write(to: url, options: .atomic)
    }

    /// Issues a certificate signed by this authority.
    /// - Parameters:
    ///   - commonName: Subject common name.
    ///   - publicKey: The subject's public key; when `nil` a P-256 key is generated and returned.
    ///   - dnsNames: DNS subject alternative names.
    ///   - ipAddresses: IPv4/IPv6 literal subject alternative names.
    ///   - validity: Lifetime in seconds from `notBefore`.
    ///   - notBefore: Start of validity (default: one hour ago).
    ///   - isCertificateAuthority: Whether the certificate may sign others (for an intermediate).
    ///   - extendedKeyUsage: Extended key usages (default: client and server authentication).
    /// - Returns: The certificate and, when generated, its key.
    /// - Throws: An error for an unparseable IP literal or a construction failure.
    public func issueCertificate(
        commonName: String,
        publicKey: Certificate.PublicKey? = nil,
        dnsNames: [String] = [],
        ipAddresses: [String] = [],
        validity: TimeInterval = 24 * 3600,
        notBefore: Date? = nil,
        isCertificateAuthority: Bool = false,
        extendedKeyUsage: [ExtendedKeyUsage.Usage] = [.serverAuth, .clientAuth]
    ) throws -> IssuedCertificate {
        try Self.issue(
            caCertificate: caCertificate,
            caKey: caPrivateKey,
            commonName: commonName,
            publicKey: publicKey,
            dnsNames: dnsNames,
            ipAddresses: ipAddresses,
            validity: validity,
            notBefore: notBefore ?? Date().addingTimeInterval(-3600),
            isCertificateAuthority: isCertificateAuthority,
            extendedKeyUsage: extendedKeyUsage
        )
    }

    private static func issue(
        caCertificate: Certificate,
        caKey: Certificate.PrivateKey,
        commonName: String,
        publicKey: Certificate.PublicKey?,
        dnsNames: [String],
        ipAddresses: [String],
        validity: TimeInterval,
        notBefore: Date,
        isCertificateAuthority: Bool,
        extendedKeyUsage: [ExtendedKeyUsage.Usage]
    ) throws -> IssuedCertificate {
        var generatedKey: Certificate.PrivateKey?
        let subjectKey: Certificate.PublicKey
        if let publicKey {
            subjectKey = publicKey
        } else {
            let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
            generatedKey = key
            subjectKey = key.publicKey
        }
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for ip in ipAddresses {
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(try ipBytes(ip)))))
        }
        let subject = try DistinguishedName { CommonName(commonName) }
        let extensions = try Certificate.Extensions {
            if isCertificateAuthority {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true))
            } else {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage(extendedKeyUsage)
            }
            if !names.isEmpty {
                SubjectAlternativeNames(names)
            }
            SubjectKeyIdentifier(hash: subjectKey)
            AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: caKey.publicKey).keyIdentifier)
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: subjectKey,
            notValidBefore: notBefore,
            notValidAfter: notBefore.addingTimeInterval(validity),
            issuer: caCertificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: caKey
        )
        return IssuedCertificate(certificate: certificate, privateKey: generatedKey)
    }

    private static func ipBytes(_ literal: String) throws -> [UInt8] {
        var v4 = in_addr()
        if inet_pton(AF_INET, literal, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, literal, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        throw EmulatorError(code: .invalidConfiguration, message: "not an IP address literal: \(literal)")
    }
}
