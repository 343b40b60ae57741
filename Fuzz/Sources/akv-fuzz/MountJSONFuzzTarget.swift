import Foundation
import SecretsStoreProvider

/// `mount-json`: the JSON the CSI driver sends with a mount: the attributes and secrets maps
/// (`MountRequest.decodeStringMap`), the file permission (`MountRequest.decodePermission`) and the service-account
/// tokens attribute (`ProviderParameters.serviceAccountToken(from:audience:)`).
enum MountJSONFuzzTarget {
    /// The target.
    static let target = FuzzTarget(
        name: "mount-json",
        summary: "MountRequest.decodeStringMap (attributes, secrets), decodePermission, ProviderParameters.serviceAccountToken"
    ) { data in
        let attributes = try? MountRequest.decodeStringMap(data, what: "attributes")
        _ = try? MountRequest.decodeStringMap(data, what: "secrets")
        _ = try? MountRequest.decodePermission(data)
        _ = try? ProviderParameters.serviceAccountToken(from: FuzzInput.text(data), audience: ProviderParameters.workloadIdentityAudience)
        // The tokens as they arrive: inside the attributes map.
        if let tokens = attributes?[ProviderParameters.Key.serviceAccountTokens] {
            _ = try? ProviderParameters.serviceAccountToken(from: tokens, audience: ProviderParameters.workloadIdentityAudience)
        }
    }
}
