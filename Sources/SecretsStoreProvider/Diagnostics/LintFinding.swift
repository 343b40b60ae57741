/// One problem ``ManifestLinter`` found in a `SecretProviderClass` (or in the driver attributes and node-publish
/// secret that go with it): where it is, what is wrong, and how to fix it in one line.
///
/// ``message`` is the Go provider's text where the Go provider has one (so a runbook or a search for the error a
/// pod showed still matches); otherwise it is this provider's explanation. A finding never contains a secret
/// value, a service-account token or a client secret.
public struct LintFinding: Sendable, Hashable, Codable {
    /// How bad a finding is.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// The mount fails (with this provider, the Go provider, or both), or the result is wrong.
        case error
        /// The mount works, but something is deprecated, ignored or fragile.
        case warning
    }

    /// A stable identifier of the rule that fired (for example `parameter.unknown`, `object.pfxOnNonSecret`).
    public struct Rule: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        /// The rule's name.
        public var rawValue: String

        /// Creates a rule from its name.
        /// - Parameter rawValue: The name.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// The rule's name.
        public var description: String { rawValue }

        /// The file is not valid YAML.
        public static let yamlInvalid = Rule(rawValue: "yaml.invalid")
        /// No document has `kind: SecretProviderClass`.
        public static let noSecretProviderClass = Rule(rawValue: "manifest.noSecretProviderClass")
        /// `apiVersion` is not `secrets-store.csi.x-k8s.io/...`.
        public static let apiVersion = Rule(rawValue: "manifest.apiVersion")
        /// `spec.provider` is not `azure`.
        public static let provider = Rule(rawValue: "manifest.provider")
        /// `spec.parameters` is missing, empty or not a mapping.
        public static let parametersMissing = Rule(rawValue: "manifest.parametersMissing")
        /// A parameter value is not a string (Kubernetes refuses an unquoted `true` or number in a `map[string]string`).
        public static let parameterNotString = Rule(rawValue: "parameter.notString")
        /// A parameter key the provider does not read.
        public static let unknownParameter = Rule(rawValue: "parameter.unknown")
        /// A parameter the provider no longer reads (`resourceGroup`, `subscriptionId`, ...).
        public static let ignoredParameter = Rule(rawValue: "parameter.ignored")
        /// A value still holds a documentation placeholder such as `<KEYVAULT_NAME>`.
        public static let placeholder = Rule(rawValue: "parameter.placeholder")
        /// A boolean flag that Go's `strconv.ParseBool` refuses.
        public static let invalidFlag = Rule(rawValue: "parameter.invalidFlag")
        /// `keyvaultName` is missing.
        public static let vaultNameMissing = Rule(rawValue: "parameter.keyvaultNameMissing")
        /// `keyvaultName` breaks Key Vault's naming rules.
        public static let vaultNameInvalid = Rule(rawValue: "parameter.keyvaultNameInvalid")
        /// No tenant is given.
        public static let tenantMissing = Rule(rawValue: "parameter.tenantMissing")
        /// The deprecated `tenantId` spelling is used.
        public static let tenantDeprecated = Rule(rawValue: "parameter.tenantIdDeprecated")
        /// `tenantID` and `tenantId` are both set, to different values.
        public static let tenantConflict = Rule(rawValue: "parameter.tenantConflict")
        /// `cloudName` is not a known cloud, or Azure Stack lacks its environment file.
        public static let cloudInvalid = Rule(rawValue: "parameter.cloudName")
        /// More than one identity mode is switched on.
        public static let multipleIdentityModes = Rule(rawValue: "identity.multipleModes")
        /// An identity mode this provider refuses (pod identity, identity binding).
        public static let unsupportedIdentityMode = Rule(rawValue: "identity.unsupportedMode")
        /// A parameter that the chosen identity mode ignores (for example `userAssignedIdentityID` without
        /// `useVMManagedIdentity`).
        public static let ignoredIdentityParameter = Rule(rawValue: "identity.ignoredParameter")
        /// `useVMManagedIdentity` without `userAssignedIdentityID`: fragile when a node pool has several identities.
        public static let managedIdentityUnnamed = Rule(rawValue: "identity.managedIdentityUnnamed")
        /// Workload identity without a service-account token for `api://AzureADTokenExchange` in the attributes.
        public static let serviceAccountTokenMissing = Rule(rawValue: "identity.serviceAccountTokenMissing")
        /// The service-account token in the attributes cannot be used (not a JWT, expired, wrong audience).
        public static let serviceAccountTokenInvalid = Rule(rawValue: "identity.serviceAccountTokenInvalid")
        /// Service-principal mode with an incomplete node-publish secret.
        public static let servicePrincipalSecretMissing = Rule(rawValue: "identity.nodePublishSecret")
        /// `objects` is missing or empty.
        public static let objectsMissing = Rule(rawValue: "objects.missing")
        /// `objects` is not the YAML the provider reads.
        public static let objectsInvalid = Rule(rawValue: "objects.invalid")
        /// An entry of `objects.array` cannot be read.
        public static let objectInvalid = Rule(rawValue: "object.invalid")
        /// A key of an object entry the provider does not read.
        public static let unknownObjectField = Rule(rawValue: "object.unknownField")
        /// `objectName` is missing.
        public static let objectNameMissing = Rule(rawValue: "object.nameMissing")
        /// `objectType` is not `secret`, `key` or `cert`.
        public static let objectTypeInvalid = Rule(rawValue: "object.typeInvalid")
        /// `objectType` is not lower case (the Go provider refuses it at fetch time).
        public static let objectTypeCase = Rule(rawValue: "object.typeCase")
        /// `objectFormat` is not `pem` or `pfx`.
        public static let objectFormatInvalid = Rule(rawValue: "object.formatInvalid")
        /// `objectFormat: pfx` on a key or certificate.
        public static let pfxOnNonSecret = Rule(rawValue: "object.pfxOnNonSecret")
        /// `objectEncoding` is not `utf-8`, `base64` or `hex`.
        public static let objectEncodingInvalid = Rule(rawValue: "object.encodingInvalid")
        /// `objectEncoding` on a key or certificate.
        public static let encodingOnNonSecret = Rule(rawValue: "object.encodingOnNonSecret")
        /// The file name (alias or name) is empty, absolute, escapes the target or is not clean.
        public static let fileNameInvalid = Rule(rawValue: "object.fileName")
        /// `filePermission` is not an octal mode between 0000 and 0777.
        public static let filePermissionInvalid = Rule(rawValue: "object.filePermission")
        /// `objectVersionHistory` is negative or not an integer.
        public static let versionHistoryInvalid = Rule(rawValue: "object.versionHistory")
        /// Two objects are written to the same file, or a file sits where another object needs a directory.
        public static let duplicateFileName = Rule(rawValue: "object.duplicateFileName")
    }

    /// How bad it is.
    public var severity: Severity
    /// The rule that fired.
    public var rule: Rule
    /// Where it is.
    public var location: LintLocation
    /// What is wrong: the Go provider's text where it has one.
    public var message: String
    /// How to fix it, in one line.
    public var fix: String

    /// Creates a finding.
    /// - Parameters:
    ///   - severity: How bad it is.
    ///   - rule: The rule that fired.
    ///   - location: Where it is.
    ///   - message: What is wrong.
    ///   - fix: How to fix it.
    public init(severity: Severity = .error, rule: Rule, location: LintLocation, message: String, fix: String) {
        self.severity = severity
        self.rule = rule
        self.location = location
        self.message = message
        self.fix = fix
    }
}

extension LintFinding: CustomStringConvertible {
    /// `<location>: error: <message> (fix: <fix>) [rule]`, on one line.
    public var description: String {
        "\(location): \(severity.rawValue): \(message) [\(rule)]\n    fix: \(fix)"
    }
}
