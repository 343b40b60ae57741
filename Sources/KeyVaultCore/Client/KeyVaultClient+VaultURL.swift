import AzureCore
import Foundation

extension KeyVaultClient {
    /// Builds a vault URL from a vault name and the cloud's Key Vault DNS suffix, validating the name by Key Vault's
    /// rule (3 to 24 letters, digits and dashes).
    /// - Parameters:
    ///   - vaultName: The vault name (3 to 24 characters of `[-a-zA-Z0-9]`).
    ///   - dnsSuffix: The cloud's suffix, for example `vault.azure.net`, `vault.azure.cn`, `vault.usgovcloudapi.net`.
    /// - Returns: `https://<name>.<suffix>/`.
    /// - Throws: ``KeyVaultError`` with ``KeyVaultError/Code/invalidVaultName`` (a name of the wrong length or with
    ///   other characters) or ``KeyVaultError/Code/invalidVaultURL`` (an unusable DNS suffix).
    public static func vaultURL(vaultName: String, dnsSuffix: String) throws -> URL {
        let length = vaultName.utf8.count
        guard length >= 3, length <= 24 else {
            throw KeyVaultError(
                code: .invalidVaultName, vault: vaultName,
                message: "the vault name has \(length) characters; a vault name has 3 to 24"
            )
        }
        let valid = vaultName.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
        }
        guard valid else {
            throw KeyVaultError(
                code: .invalidVaultName, vault: vaultName,
                message: "a vault name may contain only letters, digits and dashes"
            )
        }
        var suffix = dnsSuffix.trimmingCharacters(in: .whitespaces)
        while suffix.hasPrefix(".") { suffix.removeFirst() }
        while suffix.hasSuffix("/") { suffix.removeLast() }
        guard !suffix.isEmpty, let url = URL(string: "https://\(vaultName).\(suffix)/"), url.host != nil else {
            throw KeyVaultError(code: .invalidVaultURL, vault: vaultName, message: "invalid Key Vault DNS suffix '\(dnsSuffix)'")
        }
        return url
    }
}
