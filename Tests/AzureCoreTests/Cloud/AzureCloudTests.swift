import AzureCore
import Foundation
import Testing

@Suite struct AzureCloudTests {
    @Test func namesAreCaseInsensitiveAndEmptyIsPublic() throws {
        #expect(try AzureCloud.named("") == .publicCloud)
        #expect(try AzureCloud.named("azurepubliccloud").keyVaultDNSSuffix == "vault.azure.net")
        #expect(try AzureCloud.named("AZURECHINACLOUD").authorityHost.absoluteString == "https://login.chinacloudapi.cn")
        #expect(try AzureCloud.named("AzureUSGovernmentCloud").keyVaultResource == "https://vault.usgovcloudapi.net")
        #expect(AzureCloud.publicCloud.keyVaultScope == "https://vault.azure.net/.default")
        let error = try #require(throws: AzureCoreError.self) { try AzureCloud.named("Mars") }
        #expect(error.code == .unknownCloud)
        #expect(error.message.hasPrefix("cloudName Mars is not valid"))
    }

    @Test func azureStackCloudLoadsTheEnvironmentFile() throws {
        let json = """
        {"name":"AzureStackCloud","activeDirectoryEndpoint":"https://login.stack.example/adfs/",
         "keyVaultEndpoint":"https://vault.stack.example/","keyVaultDNSSuffix":"vault.stack.example",
         "resourceManagerEndpoint":"https://management.stack.example/","resourceIdentifiers":{"keyVault":"https://vault.stack.example"}}
        """
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cloud-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: url)
        let cloud = try AzureCloud.named("azurestackcloud", environment: ["AZURE_ENVIRONMENT_FILEPATH": url.path])
        #expect(cloud.authorityHost.absoluteString == "https://login.stack.example/adfs")
        #expect(cloud.keyVaultDNSSuffix == "vault.stack.example")
        #expect(cloud.keyVaultResource == "https://vault.stack.example")

        let missing = try #require(throws: AzureCoreError.self) {
            try AzureCloud.named("AzureStackCloud", environmentFilePath: "/nonexistent/akscustom.json")
        }
        #expect(missing.message.contains("cloudName AzureStackCloud is not valid"))
        #expect(missing.message.contains("/nonexistent/akscustom.json"))
    }
}
