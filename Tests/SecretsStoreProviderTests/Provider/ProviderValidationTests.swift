import AzureCore
import Foundation
import Testing
@testable import SecretsStoreProvider

/// The checks the provider makes after the parameters and before any request: cloud and vault name, with the Go
/// provider's texts. Nothing here reaches a network: every case fails before a request is sent.
@Suite struct ProviderValidationTests {
    static func fetchError(_ extra: [String: String]) async -> SecretsStoreProviderError? {
        // No transport is configured: a request would fail, so reaching one would be visible as a different error.
        let provider = KeyVaultProvider(configuration: ProviderConfiguration(vaultURLs: [:]))
        do {
            _ = try await provider.fetch(MountRequest(parameters: ProviderParametersTests.base(extra)))
            return nil
        } catch let error as SecretsStoreProviderError {
            return error
        } catch {
            Issue.record("not a SecretsStoreProviderError: \(error)")
            return nil
        }
    }

    @Test(arguments: [
        ("kv", "failed to get vault: Invalid vault name: \"kv\", must be between 3 and 24 chars"),
        ("a-very-long-vault-name-of-30c", "failed to get vault: Invalid vault name: \"a-very-long-vault-name-of-30c\", must be between 3 and 24 chars"),
        ("kv_test", "failed to get vault: Invalid vault name: \"kv_test\", must match [-a-zA-Z0-9]{3,24}"),
    ])
    func vaultNameTexts(name: String, expected: String) async {
        #expect(await Self.fetchError(["keyvaultName": name])?.message == expected)
    }

    @Test func unknownCloudText() async throws {
        let error = try #require(await Self.fetchError(["cloudName": "AzureMoonCloud"]))
        #expect(error.message.hasPrefix("cloudName AzureMoonCloud is not valid, error:"))
    }

    @Test func azureStackCloudNeedsItsEnvironmentFile() async throws {
        let missing = try #require(await Self.fetchError(["cloudName": "AzureStackCloud", "cloudEnvFileName": "/nonexistent/akscustom.json"]))
        #expect(missing.message.hasPrefix("cloudName AzureStackCloud is not valid, error:"))
        #expect(missing.message.contains("/nonexistent/akscustom.json"))
    }

    @Test func azureStackCloudFromFileGivesItsVaultSuffix() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stack-\(UUID().uuidString).json")
        try Data(#"{"name":"AzureStackCloud","activeDirectoryEndpoint":"https://login.stack.example/","keyVaultEndpoint":"https://vault.stack.example/","keyVaultDNSSuffix":"vault.stack.example","resourceManagerEndpoint":"https://management.stack.example/"}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let cloud = try CloudResolver.resolve(name: "azurestackcloud", environmentFile: file.path)
        #expect(cloud.keyVaultDNSSuffix == "vault.stack.example")
        let url = try VaultURLResolver.url(for: "kv-test", cloud: cloud, configuration: ProviderConfiguration())
        #expect(url.absoluteString == "https://kv-test.vault.stack.example/")
    }

    @Test func builtInCloudsGiveTheirSuffixes() throws {
        for (name, suffix) in [("", "vault.azure.net"), ("AzureChinaCloud", "vault.azure.cn"), ("azureusgovernmentcloud", "vault.usgovcloudapi.net")] { // suffixes: URLs are built, never requested
            let cloud = try CloudResolver.resolve(name: name, environmentFile: nil)
            let url = try VaultURLResolver.url(for: "kv-test", cloud: cloud, configuration: ProviderConfiguration())
            #expect(url.absoluteString == "https://kv-test.\(suffix)/")
        }
    }

    @Test func vaultURLOverrideWins() throws {
        let url = try VaultURLResolver.url(
            for: "kv-test", cloud: try CloudResolver.resolve(name: "", environmentFile: nil),
            configuration: ProviderConfiguration(vaultURLs: ["kv-test": URL(string: "https://127.0.0.1:9443")!])
        )
        #expect(url.absoluteString == "https://127.0.0.1:9443")
    }
}
