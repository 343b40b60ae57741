import Foundation
import SecretsStoreProvider

/// `objects`: the `objects` parameter (the Go provider's `array:` YAML of object documents), parsed and validated as
/// a mount does it: `ObjectsParser.parse`, each object's `validated(index:)` and the file-name conflict check,
/// reached through `ProviderParameters(validating:)`.
enum ObjectsFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "objects",
        summary: "ProviderParameters(validating:) on the objects string (ObjectsParser, KeyVaultObject.validated, checkFileNames)"
    ) { data in
        let request = MountRequest(
            parameters: [
                ProviderParameters.Key.podName: "pod",
                ProviderParameters.Key.podNamespace: "default",
                ProviderParameters.Key.keyvaultName: "fuzzvault",
                ProviderParameters.Key.tenantID: "00000000-0000-0000-0000-000000000000",
                ProviderParameters.Key.objects: FuzzInput.text(data),
            ],
            secrets: ["clientid": "00000000-0000-0000-0000-000000000000", "clientsecret": "fuzz"]
        )
        guard let parameters = try? ProviderParameters(validating: request) else { return }
        for object in parameters.objects {
            _ = object.filePaths
        }
    }
}
