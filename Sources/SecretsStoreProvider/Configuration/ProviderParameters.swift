import Foundation

/// The parameters of one mount, checked in the Go provider's order and with its error texts, before any network
/// call: pod info, identity flags, vault, tenant, cloud, identity inputs, then every object.
///
/// Where the Go provider is wrong this type does better, and says so in the message: `objectType`, `objectFormat`
/// and `filePermission` are validated up front, two objects that land on the same file are an error, `clientID`
/// with `useVMManagedIdentity` does not demand a service-account token, and pod identity is refused with a
/// pointer to workload identity.
public struct ProviderParameters: Sendable {
    /// Well-known parameter keys.
    public enum Key {
        /// The vault name.
        public static let keyvaultName = "keyvaultName"
        /// The tenant (preferred spelling).
        public static let tenantID = "tenantID"
        /// The tenant (deprecated spelling).
        public static let tenantIdDeprecated = "tenantId"
        /// Deprecated pod identity switch.
        public static let usePodIdentity = "usePodIdentity"
        /// Managed identity switch.
        public static let useVMManagedIdentity = "useVMManagedIdentity"
        /// Identity binding switch (AKS only).
        public static let useAzureTokenProxy = "useAzureTokenProxy"
        /// The user-assigned managed identity's client ID.
        public static let userAssignedIdentityID = "userAssignedIdentityID"
        /// The workload identity client ID.
        public static let clientID = "clientID"
        /// The cloud name.
        public static let cloudName = "cloudName"
        /// The Azure Stack environment file.
        public static let cloudEnvFileName = "cloudEnvFileName"
        /// The objects YAML.
        public static let objects = "objects"
        /// The pod name (from the driver).
        public static let podName = "csi.storage.k8s.io/pod.name"
        /// The pod namespace (from the driver).
        public static let podNamespace = "csi.storage.k8s.io/pod.namespace"
        /// The service-account tokens JSON (from the driver).
        public static let serviceAccountTokens = "csi.storage.k8s.io/serviceAccount.tokens"
    }

    /// The audience of the service-account token used for workload identity.
    public static let workloadIdentityAudience = "api://AzureADTokenExchange"

    /// The pod's name.
    public var podName: String
    /// The pod's namespace.
    public var podNamespace: String
    /// The vault name.
    public var keyvaultName: String
    /// The cloud name as given (empty means AzurePublicCloud).
    public var cloudName: String
    /// The Azure Stack environment file, when given.
    public var cloudEnvFileName: String?
    /// The identity.
    public var identity: IdentitySelection
    /// The objects, validated, in their order.
    public var objects: [ValidatedKeyVaultObject]
    /// The default file mode.
    public var defaultFileMode: UInt32
    /// Notes worth logging (for example the deprecated `tenantId` spelling).
    public var warnings: [String]

    /// Validates a mount request.
    /// - Parameter request: The parameters, secrets and default mode.
    /// - Returns: The validated parameters.
    /// - Throws: ``SecretsStoreProviderError`` naming the parameter or object at fault.
    public init(validating request: MountRequest) throws(SecretsStoreProviderError) {
        try self.init(validating: request, objectsCache: nil)
    }

    /// Validates a mount request, taking the validated `objects` from a cache when their text was seen before.
    /// - Parameters:
    ///   - request: The parameters, secrets and default mode.
    ///   - objectsCache: Validated objects by text (shared by the mounts of one provider).
    /// - Throws: ``SecretsStoreProviderError`` naming the parameter or object at fault.
    public init(validating request: MountRequest, objectsCache: ParsedObjectsCache?) throws(SecretsStoreProviderError) {
        let p = request.parameters
        func value(_ key: String) -> String { (p[key] ?? "").trimmingWhitespace() }
        func flag(_ key: String) throws(SecretsStoreProviderError) -> Bool {
            let text = value(key)
            if text.isEmpty { return false }
            guard let parsed = GoValueParsing.parseBool(text) else {
                throw SecretsStoreProviderError(
                    .invalidParameter, "failed to parse \(key) flag, error: \(GoValueParsing.parseBoolError(text))"
                )
            }
            return parsed
        }
        var warnings: [String] = []

        // 1-2. Pod info.
        podName = value(Key.podName)
        guard !podName.isEmpty else { throw SecretsStoreProviderError(.missingParameter, "pod name is not provided") }
        podNamespace = value(Key.podNamespace)
        guard !podNamespace.isEmpty else {
            throw SecretsStoreProviderError(.missingParameter, "pod namespace is not provided")
        }
        // 3-4. Identity flags.
        let usePodIdentity = try flag(Key.usePodIdentity)
        let useVMManagedIdentity = try flag(Key.useVMManagedIdentity)
        let useAzureTokenProxy = try flag(Key.useAzureTokenProxy)
        if [usePodIdentity, useVMManagedIdentity, useAzureTokenProxy].filter({ $0 }).count > 1 {
            throw SecretsStoreProviderError(
                .invalidParameter,
                "only one identity mode can be enabled at a time: usePodIdentity, useVMManagedIdentity, or useAzureTokenProxy"
            )
        }
        // 5-6. Vault and tenant.
        keyvaultName = value(Key.keyvaultName)
        guard !keyvaultName.isEmpty else {
            throw SecretsStoreProviderError(.missingParameter, "keyvaultName is not provided")
        }
        var tenantID = value(Key.tenantID)
        if tenantID.isEmpty {
            tenantID = value(Key.tenantIdDeprecated)
            if !tenantID.isEmpty {
                warnings.append("tenantId is deprecated and will be removed in a future release. Use 'tenantID' instead")
            }
        }
        guard !tenantID.isEmpty else { throw SecretsStoreProviderError(.missingParameter, "tenantId is not provided") }
        // 7-8. Cloud (resolved against the cloud table by the provider).
        cloudName = value(Key.cloudName)
        let envFile = value(Key.cloudEnvFileName)
        cloudEnvFileName = envFile.isEmpty ? nil : envFile

        // 9. Identity.
        let clientID = value(Key.clientID)
        if usePodIdentity {
            throw SecretsStoreProviderError(
                .unsupportedIdentity,
                "failed to build auth config for mode PodIdentity: usePodIdentity is not supported: Microsoft Entra pod-managed identity is deprecated; use workload identity instead (set clientID to the identity's client ID, create a federated credential for the pod's service account, and label the pod azure.workload.identity/use: \"true\")"
            )
        }
        if useAzureTokenProxy {
            throw SecretsStoreProviderError(
                .unsupportedIdentity,
                "failed to build auth config for mode AzureTokenProxy: useAzureTokenProxy (AKS identity binding) is not supported by this provider; use workload identity (clientID with a federated credential) instead"
            )
        }
        if useVMManagedIdentity {
            // Unlike the Go provider, a clientID next to useVMManagedIdentity does not demand a token.
            let userAssigned = value(Key.userAssignedIdentityID)
            identity = IdentitySelection(
                mode: .managedIdentity, tenantID: tenantID, clientID: userAssigned.isEmpty ? nil : userAssigned
            )
        } else if !clientID.isEmpty {
            let token: String
            do {
                token = try Self.serviceAccountToken(from: value(Key.serviceAccountTokens), audience: Self.workloadIdentityAudience)
            } catch {
                throw SecretsStoreProviderError(
                    .invalidIdentity,
                    "failed to build auth config for mode None: failed to parse workload identity tokens, error: \(error.message)"
                )
            }
            identity = IdentitySelection(mode: .workloadIdentity, tenantID: tenantID, clientID: clientID, serviceAccountToken: token)
        } else {
            func wrap(_ text: String) -> SecretsStoreProviderError {
                SecretsStoreProviderError(.invalidIdentity, "failed to build auth config for mode None: \(text)")
            }
            if request.secrets.isEmpty {
                throw wrap("failed to get credentials, nodePublishSecretRef secret is not set")
            }
            let lowered = Dictionary(request.secrets.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
            guard let id = lowered["clientid"]?.trimmingWhitespace(), !id.isEmpty else {
                throw wrap("could not find clientid in secrets")
            }
            guard let secret = lowered["clientsecret"]?.trimmingWhitespace(), !secret.isEmpty else {
                throw wrap("could not find clientsecret in secrets")
            }
            identity = IdentitySelection(mode: .servicePrincipal, tenantID: tenantID, clientID: id, clientSecret: secret)
        }

        // 10-14. Objects.
        let objectsText = value(Key.objects)
        guard !objectsText.isEmpty else { throw SecretsStoreProviderError(.missingParameter, "objects is not set") }
        let parse = { (text: String) throws(SecretsStoreProviderError) -> [ValidatedKeyVaultObject] in
            var validated: [ValidatedKeyVaultObject] = []
            for (index, object) in try ObjectsParser.parse(text).enumerated() {
                validated.append(try object.validated(index: index))
            }
            try Self.checkFileNames(validated)
            return validated
        }
        if let objectsCache {
            objects = try objectsCache.objects(for: objectsText, parse: parse)
        } else {
            objects = try parse(objectsText)
        }
        defaultFileMode = request.defaultFileMode
        self.warnings = warnings
    }

    /// Picks the service-account token for an audience from the driver's `serviceAccount.tokens` JSON.
    /// - Parameters:
    ///   - json: `{"<audience>": {"token": "...", "expirationTimestamp": "..."}}`.
    ///   - audience: The audience to pick.
    /// - Returns: The token.
    /// - Throws: ``SecretsStoreProviderError`` with the Go provider's texts: `service account tokens not found`,
    ///   `failed to unmarshal service account tokens, error: ...`, `token for audience <a> not found`.
    public static func serviceAccountToken(from json: String, audience: String) throws(SecretsStoreProviderError) -> String {
        guard !json.isEmpty else {
            throw SecretsStoreProviderError(
                .invalidIdentity,
                "service account tokens not found (the CSIDriver object needs tokenRequests with audience \(audience))"
            )
        }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(json.utf8))
        } catch {
            throw SecretsStoreProviderError(
                .invalidIdentity, "failed to unmarshal service account tokens, error: \(error.localizedDescription)"
            )
        }
        guard let map = object as? [String: Any] else {
            throw SecretsStoreProviderError(
                .invalidIdentity, "failed to unmarshal service account tokens, error: expected a JSON object keyed by audience"
            )
        }
        guard let entry = map[audience] else {
            throw SecretsStoreProviderError(.invalidIdentity, "token for audience \(audience) not found")
        }
        guard let fields = entry as? [String: Any] else {
            throw SecretsStoreProviderError(
                .invalidIdentity, "failed to unmarshal service account tokens, error: the entry for \(audience) is not an object"
            )
        }
        guard let token = fields["token"] as? String, !token.isEmpty else {
            throw SecretsStoreProviderError(.invalidIdentity, "token for audience \(audience) not found")
        }
        return token
    }

    /// Two objects may not write the same file, and a file may not be where another object needs a directory.
    static func checkFileNames(_ objects: [ValidatedKeyVaultObject]) throws(SecretsStoreProviderError) {
        guard let conflict = FileNameConflicts(objects).conflicts.first else { return }
        switch conflict {
        case .sameFile:
            throw SecretsStoreProviderError(
                .duplicateFile, "\(conflict.text); give one of them a different objectAlias", objectIndex: conflict.objectIndex
            )
        case .fileInTheWay:
            throw SecretsStoreProviderError(.duplicateFile, conflict.text, objectIndex: conflict.objectIndex)
        }
    }
}
