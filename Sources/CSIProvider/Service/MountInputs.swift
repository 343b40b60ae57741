import Foundation
import SecretsStoreProvider

/// The inputs of one `Mount` call, decoded exactly as the Secrets Store CSI driver encodes them.
///
/// - `attributes`: a JSON object of strings: the class's parameters merged with the volume context, the pod info
///   keys and `csi.storage.k8s.io/serviceAccount.tokens`.
/// - `secrets`: a JSON object of strings (the node-publish secret), or `null` when the volume has no
///   `nodePublishSecretRef`. With `serviceAccountTokenInSecrets` (Kubernetes 1.35 and later) kubelet puts the
///   service-account tokens here instead of in the attributes; they are moved to the parameters.
/// - `permission`: the JSON decimal of a file mode (`"420"` for 0644).
/// - `target_path`: the kubelet path, used only in logs.
/// - `current_object_version`: accepted; every mount fetches afresh.
public struct MountInputs: Sendable {
    /// The request for the provider.
    public var request: MountRequest
    /// The kubelet target path (logs only).
    public var targetPath: String
    /// The versions the driver reports as mounted, by object id.
    public var currentObjectVersions: [String: String]

    /// The volume attribute naming the `SecretProviderClass`.
    public static let secretProviderClassKey = "secretProviderClass"

    /// Decodes the driver's fields.
    /// - Parameters:
    ///   - attributes: The `attributes` JSON.
    ///   - secrets: The `secrets` JSON (`null`, empty or an object).
    ///   - permission: The `permission` JSON.
    ///   - targetPath: The `target_path`.
    ///   - currentObjectVersions: The `current_object_version` entries.
    /// - Throws: `SecretsStoreProviderError` with code `invalidManifest`, naming the field
    ///   (`failed to unmarshal attributes, error: ...`, as the Go provider says).
    public init(
        attributes: String,
        secrets: String,
        permission: String,
        targetPath: String,
        currentObjectVersions: [String: String] = [:]
    ) throws(SecretsStoreProviderError) {
        var parameters = try MountRequest.decodeStringMap(Data(attributes.utf8), what: "attributes")
        let secretsText = secrets.trimmingCharacters(in: .whitespacesAndNewlines)
        var secretMap = secretsText.isEmpty ? [:] : try MountRequest.decodeStringMap(Data(secretsText.utf8), what: "secrets")
        let tokens = ProviderParameters.Key.serviceAccountTokens
        if let delivered = secretMap.removeValue(forKey: tokens), (parameters[tokens] ?? "").isEmpty {
            parameters[tokens] = delivered
        }
        let mode = try MountRequest.decodePermission(Data(permission.utf8))
        self.request = MountRequest(parameters: parameters, secrets: secretMap, defaultFileMode: mode)
        self.targetPath = targetPath
        self.currentObjectVersions = currentObjectVersions
    }

    /// The pod name, for logs.
    public var podName: String { request.parameters[ProviderParameters.Key.podName] ?? "" }
    /// The pod namespace, for logs.
    public var podNamespace: String { request.parameters[ProviderParameters.Key.podNamespace] ?? "" }
    /// The `SecretProviderClass` name, for logs.
    public var secretProviderClass: String { request.parameters[Self.secretProviderClassKey] ?? "" }
}
