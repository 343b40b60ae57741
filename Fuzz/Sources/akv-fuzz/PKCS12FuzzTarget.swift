import Foundation
import IdentityProviders
import KeyVaultCore

/// `pkcs12`: PKCS#12 (PFX) bytes through `PKCS12Bundle.parse` (OpenSSL), `ObjectConverter.pem(fromPKCS12:)` (key
/// and ordered chain) and `ClientCertificate(pkcs12:password:)`. Inputs should be bounded (`-max_len=65536`).
enum PKCS12FuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "pkcs12",
        summary: "PKCS12Bundle.parse, ObjectConverter.pem(fromPKCS12:), ClientCertificate(pkcs12:password:)"
    ) { data in
        let bytes = Array(data)
        do {
            let bundle = try PKCS12Bundle.parse(bytes)
            _ = bundle.certificatesDER.count
            _ = try ObjectConverter.pem(fromPKCS12: bytes, logger: FuzzSupport.logger)
        } catch {
            FuzzSupport.describe(error)
        }
        do { _ = try ClientCertificate(pkcs12: data, password: nil) } catch { FuzzSupport.describe(error) }
    }
}
