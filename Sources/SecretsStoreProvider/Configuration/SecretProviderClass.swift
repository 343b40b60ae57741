import Yams

/// A `SecretProviderClass` manifest (`apiVersion: secrets-store.csi.x-k8s.io/v1`), as users already have it.
///
/// Only what the provider needs is read: the name, the provider and the `parameters` map. `secretObjects`
/// (Kubernetes Secret sync) belongs to the CSI driver and is ignored. A file with several YAML documents (for
/// example the class and its pod) is accepted: the `SecretProviderClass` document is picked, by name when several.
public struct SecretProviderClass: Sendable, Hashable {
    /// `metadata.name`.
    public var name: String
    /// `metadata.namespace`, when set.
    public var namespace: String?
    /// `spec.provider`; must be `azure`.
    public var provider: String
    /// `spec.parameters`: every value as its literal text.
    public var parameters: [String: String]

    /// Creates a class from its parts.
    public init(name: String, namespace: String? = nil, provider: String = "azure", parameters: [String: String]) {
        self.name = name
        self.namespace = namespace
        self.provider = provider
        self.parameters = parameters
    }

    /// Reads a manifest.
    /// - Parameters:
    ///   - yaml: The manifest text (one or more YAML documents).
    ///   - name: Which `SecretProviderClass` to pick when the text holds several.
    ///   - source: Where the text came from (a file name), for error messages.
    /// - Returns: The class.
    /// - Throws: ``SecretsStoreProviderError`` with code `invalidManifest`, naming the source and what is wrong.
    public init(yaml: String, name: String? = nil, source: String = "manifest") throws(SecretsStoreProviderError) {
        func fail(_ reason: String) -> SecretsStoreProviderError {
            SecretsStoreProviderError(.invalidManifest, "\(source): \(reason)")
        }
        let documents: [Node]
        do {
            documents = try YAMLDocuments.compose(yaml)
        } catch {
            throw fail("not valid YAML: \(error.text)")
        }
        let classes = documents.compactMap { node -> Node.Mapping? in
            guard case .mapping(let mapping) = node, mapping["kind"]?.string == "SecretProviderClass" else { return nil }
            return mapping
        }
        let chosen: Node.Mapping
        if let name {
            guard let match = classes.first(where: { $0["metadata"]?.mapping?["name"]?.string == name }) else {
                throw fail("no SecretProviderClass named \(GoValueParsing.goQuote(name)) (found \(classes.count))")
            }
            chosen = match
        } else {
            guard let only = classes.first else { throw fail("no document with kind: SecretProviderClass") }
            guard classes.count == 1 else {
                throw fail("\(classes.count) SecretProviderClass documents; choose one by name")
            }
            chosen = only
        }
        let apiVersion = chosen["apiVersion"]?.string ?? ""
        guard apiVersion.hasPrefix("secrets-store.csi.x-k8s.io/") else {
            throw fail("apiVersion \(GoValueParsing.goQuote(apiVersion)) is not secrets-store.csi.x-k8s.io/v1")
        }
        let metadata = chosen["metadata"]?.mapping
        guard let spec = chosen["spec"]?.mapping else { throw fail("spec is missing") }
        let provider = spec["provider"]?.string ?? ""
        guard provider == "azure" else {
            throw fail("spec.provider is \(GoValueParsing.goQuote(provider)), this provider serves \"azure\"")
        }
        var parameters: [String: String] = [:]
        if let node = spec["parameters"] {
            guard case .mapping(let map) = node else { throw fail("spec.parameters must be a mapping of strings") }
            for (key, value) in map {
                guard case .scalar(let keyScalar) = key else { throw fail("spec.parameters has a non-string key") }
                guard case .scalar(let valueScalar) = value else {
                    throw fail("spec.parameters.\(keyScalar.string) must be a string")
                }
                parameters[keyScalar.string] = valueScalar.isNull ? "" : valueScalar.string
            }
        }
        guard !parameters.isEmpty else { throw fail("spec.parameters is empty") }
        self.init(
            name: metadata?["name"]?.string ?? "",
            namespace: metadata?["namespace"]?.string,
            provider: provider,
            parameters: parameters
        )
    }
}
