import AzureCore
import Foundation
import KeyVaultCore
import Yams

/// Checks a `SecretProviderClass` manifest offline and reports **every** problem at once, where the Go provider
/// stops at the first (and finds some only after a token exchange, or never).
///
/// Each ``LintFinding`` says where the problem is (document, parameter or object index, and the YAML line and
/// column where known), gives the Go provider's text where it has one, and a fix in one line. With the driver's
/// attributes and the node-publish secret it also checks the identity inputs (the service-account token for
/// `api://AzureADTokenExchange`, decoded locally; `clientid` and `clientsecret`). Nothing is sent anywhere.
///
/// ```swift
/// let findings = ManifestLinter().lint(manifest: yaml, source: "spc.yaml", attributes: attributes)
/// for finding in findings { print(finding) }
/// ```
public struct ManifestLinter: Sendable {
    /// The instant service-account token expiry is compared with.
    public var now: Date

    /// The parameter keys the provider reads.
    public static let knownParameterKeys: [String] = [
        ProviderParameters.Key.keyvaultName, ProviderParameters.Key.tenantID, ProviderParameters.Key.tenantIdDeprecated,
        ProviderParameters.Key.usePodIdentity, ProviderParameters.Key.useVMManagedIdentity,
        ProviderParameters.Key.useAzureTokenProxy, ProviderParameters.Key.userAssignedIdentityID,
        ProviderParameters.Key.clientID, ProviderParameters.Key.cloudName, ProviderParameters.Key.cloudEnvFileName,
        ProviderParameters.Key.objects,
    ]

    /// Parameter keys found in old examples that no provider version reads.
    public static let ignoredParameterKeys: [String] = ["resourceGroup", "subscriptionId", "nmiPort", "cloudEnvFile"]

    /// The fields of an `objects` entry.
    public static let knownObjectFields: [String] = [
        "objectName", "objectAlias", "objectType", "objectVersion", "objectVersionHistory", "objectFormat",
        "objectEncoding", "filePermission",
    ]

    /// Creates a linter.
    /// - Parameter now: The instant token expiry is compared with (default: now).
    public init(now: Date = Date()) {
        self.now = now
    }

    /// Lints a manifest.
    /// - Parameters:
    ///   - manifest: The YAML text (every `SecretProviderClass` document in it is checked; other documents are
    ///     ignored).
    ///   - source: The file name, for locations.
    ///   - attributes: The driver's mount attributes, when known (enables the service-account token checks).
    ///   - secrets: The node-publish secret's data, when known (enables the service-principal checks).
    /// - Returns: Every finding, errors and warnings, in file order per document.
    public func lint(
        manifest: String, source: String = "manifest", attributes: [String: String]? = nil, secrets: [String: String]? = nil
    ) -> [LintFinding] {
        var context = LintContext(source: source, text: manifest, now: now)
        var documents: [Node] = []
        do {
            documents = try YAMLDocuments.compose(manifest)
        } catch {
            context.yamlError(error)
        }
        var classes = 0
        for (index, node) in documents.enumerated() {
            guard case .mapping(let mapping) = node, mapping["kind"]?.string == "SecretProviderClass" else { continue }
            classes += 1
            context.document = index
            context.lintClass(mapping, attributes: attributes, secrets: secrets)
        }
        if classes == 0 && !context.findings.contains(where: { $0.rule == .yamlInvalid }) {
            context.document = nil
            context.add(
                .noSecretProviderClass, "no document with kind: SecretProviderClass",
                fix: "lint the file that holds the SecretProviderClass (apiVersion: secrets-store.csi.x-k8s.io/v1, kind: SecretProviderClass)"
            )
        }
        return context.findings
    }
}

extension ManifestLinter {
    /// An instant as ISO 8601 (UTC), or `?`.
    static func timestampText(_ date: Date?) -> String {
        guard let date else { return "?" }
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
