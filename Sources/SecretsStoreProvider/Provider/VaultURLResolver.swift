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
        } catch let error as KeyVaultError {
            throw SecretsStoreProviderError(.invalidParameter, "failed to get vault: \(error.message)")
        } catch {
            throw SecretsStoreProviderError(.invalidParameter, "failed to get vault: \(error)")
        }
    }
}
