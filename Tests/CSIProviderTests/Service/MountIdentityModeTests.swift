import CSIProvider
import Foundation
import GRPCCore
import KeyVaultTesting
import Testing

/// `Version`, and `Mount` over the Unix socket for every identity mode of the user's scenarios, each request built
/// the way the driver builds it. The bytes returned are checked; nothing is written by the provider.
@Suite(.serialized) struct MountIdentityModeTests {
    typealias Sample = AzureEmulatorSeed.Sample
    static let secretAndKey = ["objectName: secret1\nobjectType: secret", "objectName: key1\nobjectType: key"]

    @Test func versionAnswersV1alpha1() async throws {
        try await CSIHarness.run { harness in
            var request = V1alpha1_VersionRequest()
            request.version = "v1alpha1"
            let response = try await harness.client.version(request)
            #expect(response.version == "v1alpha1")
            #expect(response.runtimeName == "akv-csi-provider")
            #expect(response.runtimeVersion == CSIProviderVersion.runtimeVersion)
            #expect(response.runtimeVersion.split(separator: ".").count == 3)
        }
    }

    @Test(arguments: ["addon", "userAssigned", "systemAssigned", "workload", "servicePrincipal"])
    func mountsEachIdentityMode(mode: String) async throws {
        try await CSIHarness.run { harness in
            let identity: CSIHarness.Identity = switch mode {
            case "addon": .addon
            case "userAssigned": .userAssigned
            case "systemAssigned": .systemAssigned
            case "workload": .workload()
            default: .servicePrincipal()
            }
            let request = try harness.request(identity, objects: Self.secretAndKey)
            if case .workload = identity { #expect(request.secrets == "null") }
            let response = try await harness.client.mount(request)
            #expect(response.files.map(\.path) == ["secret1", "key1"])
            #expect(response.text("secret1") == "secret1 version 2")
            let pem = try #require(response.text("key1"))
            #expect(pem.hasPrefix("-----BEGIN PUBLIC KEY-----\n") && pem.hasSuffix("-----END PUBLIC KEY-----\n"))
            #expect(response.files.allSatisfy { $0.mode == 0o644 }, "the driver's permission \"420\" is 0644")
            let latest = try #require(await harness.emulators.keyVault.secretVersions(vault: Sample.vaultName, name: "secret1").last)
            #expect(response.objectVersion.map(\.id) == ["secret/secret1", "key/key1"])
            #expect(response.versions["secret/secret1"] == latest)
            #expect(response.versions["key/key1"]?.isEmpty == false)
            #expect(!response.hasError)
        }
    }

    @Test func workloadIdentityTokensDeliveredInSecrets() async throws {
        // Kubernetes 1.35+ with serviceAccountTokenInSecrets: kubelet hands the tokens in `secrets`.
        try await CSIHarness.run { harness in
            let (parameters, _, tokens) = try harness.parameters(.workload(), objects: ["objectName: secret1\nobjectType: secret"])
            let request = try CSIHarness.driverRequest(
                spcParameters: parameters, secrets: ["csi.storage.k8s.io/serviceAccount.tokens": try #require(tokens)], tokens: nil
            )
            let response = try await harness.client.mount(request)
            #expect(response.text("secret1") == "secret1 version 2")
        }
    }

    @Test func serviceConnectorManifestFromExamplesWorksUnchanged() async throws {
        try await CSIHarness.run { harness in
            let manifests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Examples/manifests")
            let yaml = try String(contentsOf: manifests.appendingPathComponent("sc-demo-keyvault-csi.yaml"), encoding: .utf8)
                .replacingOccurrences(of: "<AZURE_KEYVAULT_SECRETS_PROVIDER_CLIENT_ID>", with: Sample.addonIdentity.clientID)
                .replacingOccurrences(of: "<AZURE_KEYVAULT_NAME>", with: Sample.vaultName)
                .replacingOccurrences(of: "<AZURE_TENANT_ID>", with: Sample.tenantID)
            let spc = try SecretProviderClassFixture.parameters(yaml)
            let request = try CSIHarness.driverRequest(spcParameters: spc.parameters, secrets: nil, tokens: nil, spcName: spc.name)
            let response = try await harness.client.mount(request)
            #expect(response.text("ExampleSecret") == "MyAKSExampleSecret")
        }
    }
}
