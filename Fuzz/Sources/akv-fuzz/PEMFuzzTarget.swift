import AzureCore
import Foundation
import IdentityProviders
import KeyVaultCore

/// `pem`: PEM text through every reader of the package: `PEMText.blocks` (with a write-and-read-back check),
/// `PEMBlock.parseAll`, `ObjectConverter.splitCertificatesAndKey`, a certificate-backed `application/x-pem-file`
/// secret normalised to PKCS#8 and an ordered chain (OpenSSL key conversion, chain ordering), and
/// `ClientCertificate(pemEncoded:)` (swift-crypto keys, swift-certificates).
enum PEMFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "pem",
        summary: "PEMText.blocks, PEMBlock.parseAll, splitCertificatesAndKey, convert(secret: x-pem-file, normalized), ClientCertificate(pemEncoded:)"
    ) { data in
        let text = FuzzInput.text(data)
        if let blocks = try? PEMText.blocks(in: text) {
            checkRoundTrip(blocks)
        }
        _ = try? PEMBlock.parseAll(text)
        _ = try? ObjectConverter.splitCertificatesAndKey(Array(data))
        let secret = SecretBundle(
            value: text, id: "https://fuzzvault.vault.azure.net/secrets/c/0123", contentType: ObjectConverter.pemContentType,
            kid: "https://fuzzvault.vault.azure.net/keys/c/0123"
        )
        do {
            _ = try ObjectConverter.convert(secret: secret, normalizePEMCertificates: true, logger: FuzzSupport.logger)
        } catch {
            FuzzSupport.describe(error)
        }
        do {
            let certificate = try ClientCertificate(pemEncoded: text)
            _ = String(describing: certificate)
        } catch {
            FuzzSupport.describe(error)
        }
    }

    /// Blocks written by `PEMText.encode` read back as the same blocks.
    static func checkRoundTrip(_ blocks: [(type: String, bytes: [UInt8])]) {
        for block in blocks where block.type.utf8.allSatisfy({ $0 == UInt8(ascii: " ") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) }) {
            let again = try? PEMText.blocks(in: PEMText.encode(type: block.type, bytes: block.bytes))
            guard let again, again.count == 1, again[0].type == block.type, again[0].bytes == block.bytes else {
                preconditionFailure("PEMText: a \(block.type) block of \(block.bytes.count) bytes does not read back as written")
            }
        }
    }
}
