import AzureCore

/// Resolves the `cloudName` / `cloudEnvFileName` parameters to an `AzureCloud`.
///
/// Unlike the Go provider, `cloudEnvFileName` is passed to the resolver directly instead of being written into the
/// process-wide `AZURE_ENVIRONMENT_FILEPATH` variable, so concurrent mounts with different clouds cannot race.
enum CloudResolver {
    static func resolve(name: String, environmentFile: String?, environment: [String: String] = [:]) throws(SecretsStoreProviderError) -> AzureCloud {
        do {
            return try AzureCloud.named(name, environmentFilePath: environmentFile, environment: environment)
        } catch let error as AzureCoreError {
            throw SecretsStoreProviderError(.invalidParameter, error.message)
        } catch {
            throw SecretsStoreProviderError(.invalidParameter, "cloudName \(name) is not valid, error: \(error)")
        }
    }
}
