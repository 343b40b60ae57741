import AzureCore
import Foundation
import KeyVaultCore

/// `keyvault-response`: Key Vault answers (see ``ScriptedHTTPResponses``) to one client call, picked by the first
/// byte: get a secret, key or certificate, or list versions or secrets (with `nextLink` paging). This covers the
/// challenge discovery (`WWW-Authenticate`), retries with `Retry-After`, the error bodies, and the JSON bundles
/// (`SecretBundle`, `KeyBundle` with its JWK, `CertificateBundle`, version pages). A bundle that decodes is then
/// converted as the provider writes it (`ObjectConverter.convert`, with a format and encoding from the first
/// byte).
enum KeyVaultResponseFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "keyvault-response",
        summary: "KeyVaultClient get/list over scripted responses, then ObjectConverter.convert(secret:|key:|certificate:)"
    ) { data in
        let (selector, rest) = FuzzInput.selector(data)
        let transport = FuzzScriptedTransport(ScriptedHTTPResponses.parse(rest))
        let format: ObjectFormat = selector & 0x10 == 0 ? .pem : .pfx
        let encoding: ObjectEncoding = [.utf8, .base64, .hex, .utf8][Int(selector >> 5) & 3]
        let normalize = selector & 0x80 != 0
        FuzzSupport.wait {
            let client = try KeyVaultClient(
                vaultURL: URL(string: "https://fuzzvault.vault.azure.net/")!,
                credential: FuzzStaticCredential(), transport: transport,
                options: KeyVaultClient.Options(maximumPages: 4, clock: FuzzInstantClock()),
                logger: FuzzSupport.logger
            )
            switch selector & 0x0F {
            case 0, 1, 2:
                let secret = try await client.getSecret(name: "fuzz-secret", version: selector & 1 == 0 ? nil : "0123456789abcdef")
                _ = secret.version
                _ = String(describing: secret)
                _ = try ObjectConverter.convert(
                    secret: secret, format: format, encoding: encoding, normalizePEMCertificates: normalize, logger: FuzzSupport.logger
                )
            case 3, 4:
                let key = try await client.getKey(name: "fuzz-key")
                _ = key.version
                _ = try ObjectConverter.convert(key: key)
            case 5, 6:
                let certificate = try await client.getCertificate(name: "fuzz-cert")
                _ = certificate.version
                _ = try ObjectConverter.convert(certificate: certificate)
            case 7:
                _ = try await client.listSecretVersions(name: "fuzz-secret").map(\.version)
            case 8:
                _ = try await client.listKeyVersions(name: "fuzz-key").map(\.version)
            case 9:
                _ = try await client.listCertificateVersions(name: "fuzz-cert").map(\.version)
            default:
                _ = try await client.listSecrets().map(\.name)
            }
        }
    }
}
