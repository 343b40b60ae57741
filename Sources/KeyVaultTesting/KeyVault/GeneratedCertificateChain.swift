import Foundation

/// What ``KeyVaultEmulator/createCertificateChain(vault:name:subject:dnsNames:depth:keySpec:secretContentType:tags:)``
/// made: the stored certificate's version and the material, so tests can compare what a client reads.
public struct GeneratedCertificateChain: Sendable, Hashable {
    /// The Key Vault version shared by the certificate, its key and its backing secret.
    public var version: String
    /// The certificates (DER), leaf first, root last.
    public var certificatesDER: [Data]
    /// The leaf's private key (PKCS#8 DER).
    public var leafPrivateKeyPKCS8DER: Data

    /// Creates a value.
    /// - Parameters:
    ///   - version: The version.
    ///   - certificatesDER: The certificates, leaf first.
    ///   - leafPrivateKeyPKCS8DER: The leaf key.
    public init(version: String, certificatesDER: [Data], leafPrivateKeyPKCS8DER: Data) {
        self.version = version
        self.certificatesDER = certificatesDER
        self.leafPrivateKeyPKCS8DER = leafPrivateKeyPKCS8DER
    }
}
