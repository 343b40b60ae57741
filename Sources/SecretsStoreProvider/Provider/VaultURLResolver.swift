import AzureCore
import Foundation
import KeyVaultCore

/// The vault URL of a mount: an override from the configuration, or `https://<name>.<cloud DNS suffix>/` with the
/// Go provider's name validation (`failed to get vault: Invalid vault name: ...`).
enum VaultURLResolver {
    static func url(for vaultName: String, cloud: AzureCloud, configuration: ProviderConfiguration) throws(SecretsStoreProviderError) -> URL {
        if let override = configuration.vaultURLs[vaultName] { return override }
        do {
            return try KeyVaultClient.vaultURL(vaultName: vaultName, dnsSuffix: cloud.keyVaultDNSSuffix)
        } catch {
            throw SecretsStoreProviderError(.invalidParameter, "failed to get vault: \(goText(of: error, vaultName: vaultName))", underlying: error)
        }
    }

    /// The Go provider's text for a vault-name error (users search for it):
    /// `Invalid vault name: "<n>", must be between 3 and 24 chars` or `... must match [-a-zA-Z0-9]{3,24}`.
    static func goText(of error: any Error, vaultName: String) -> String {
        guard let error = error as? KeyVaultError else { return "\(error)" }
        guard error.code == .invalidVaultName else { return error.message }
        let quoted = GoQuoting.quote(vaultName)
        let length = vaultName.utf8.count
        if length < 3 || length > 24 { return "Invalid vault name: \(quoted), must be between 3 and 24 chars" }
        return "Invalid vault name: \(quoted), must match [-a-zA-Z0-9]{3,24}"
    }
}
