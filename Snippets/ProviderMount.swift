// A SecretProviderClass mounted into a directory by the provider, here against the emulators.
// On a node the configuration is just `ProviderConfiguration()`: Azure's endpoints, the shared transport.
import AzureCore
import Foundation
import KeyVaultTesting
import SecretsStoreProvider

typealias Sample = AzureEmulatorSeed.Sample

let manifest = """
    apiVersion: secrets-store.csi.x-k8s.io/v1
    kind: SecretProviderClass
    metadata:
      name: app-secrets
    spec:
      provider: azure
      parameters:
        keyvaultName: \(Sample.vaultName)
        tenantID: \(Sample.tenantID)
        objects: |
          array:
            - |
              objectName: ExampleSecret
              objectType: secret
    """

try await AzureEmulators.withRunning(seed: .sample) { emulators in
    let settings = try emulators.keyVaultClientSettings(vault: Sample.vaultName)
    try await AsyncHTTPClientTransport.withTransport(configuration: settings.transportConfiguration) { transport in
        let provider = KeyVaultProvider(configuration: ProviderConfiguration(
            transport: transport, authorityHost: settings.authorityHost,
            vaultURLs: emulators.vaultURLs, verifyChallengeResource: false
        ))
        // What the CSI driver passes: the pod's attributes and the node-publish secret (a service principal here).
        let request = MountRequest(
            secretProviderClass: try SecretProviderClass(yaml: manifest),
            attributes: ["csi.storage.k8s.io/pod.name": "app", "csi.storage.k8s.io/pod.namespace": "default"],
            secrets: ["clientid": Sample.servicePrincipal.clientID, "clientsecret": Sample.servicePrincipal.secret ?? ""]
        )
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("mount-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: target) }
        let outcome = try await provider.mount(request, into: target)
        print("written: \(outcome.write.added.sorted()), versions: \(outcome.result.objectVersions.keys.sorted())")
        print("ExampleSecret = \(try String(contentsOfFile: target + "/ExampleSecret", encoding: .utf8))")
    }
}
