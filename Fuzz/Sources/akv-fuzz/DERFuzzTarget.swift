import Foundation
import IdentityProviders
import KeyVaultCore

/// `der`: DER bytes as a certificate and as a private key. The first byte picks the key label. The rest is read as
/// a Key Vault certificate's `cer` (`ObjectConverter.convert(certificate:)`: swift-certificates summary), as a chain
/// (`CertificateChainOrderer.order` on the NUL-separated parts), and as a private key wrapped in PEM, through the
/// OpenSSL key conversion of a normalised PEM secret and through `ClientCertificate(pemEncoded:)` (swift-crypto).
enum DERFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "der",
        summary: "convert(certificate:) (CertificateSummary), CertificateChainOrderer.order, OpenSSL pkcs8DER(fromAnyPrivateKeyDER:), ClientCertificate key parsing"
    ) { data in
        let (selector, der) = FuzzInput.selector(data)
        let bytes = Array(der)
        let bundle = CertificateBundle(id: "https://fuzzvault.vault.azure.net/certificates/c/0123", cer: bytes)
        do { _ = try ObjectConverter.convert(certificate: bundle) } catch { FuzzSupport.describe(error) }
        let chain = FuzzInput.parts(der, limit: 4).map { Array($0) }
        do { _ = try CertificateChainOrderer.order(chain, logger: FuzzSupport.logger) } catch { FuzzSupport.describe(error) }

        let label = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"][Int(selector) % 3]
        let keyPEM = PEMBlock(type: label, bytes: bytes).encoded
        let secret = SecretBundle(
            value: keyPEM, id: "https://fuzzvault.vault.azure.net/secrets/c/0123", contentType: ObjectConverter.pemContentType,
            kid: "https://fuzzvault.vault.azure.net/keys/c/0123"
        )
        do {
            _ = try ObjectConverter.convert(secret: secret, normalizePEMCertificates: true, logger: FuzzSupport.logger)
        } catch {
            FuzzSupport.describe(error)
        }
        do { _ = try ClientCertificate(pemEncoded: keyPEM) } catch { FuzzSupport.describe(error) }
    }
}
