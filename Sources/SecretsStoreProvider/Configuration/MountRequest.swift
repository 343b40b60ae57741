import Foundation

/// What one mount is asked to do, in the shape the CSI driver sends it: the parameters (the class's
/// `parameters` merged with the volume attributes), the node-publish secrets, and the default file mode.
public struct MountRequest: Sendable {
    /// The merged parameters, keyed exactly (keys are case-sensitive, as in the Go provider).
    public var parameters: [String: String]
    /// The node-publish secret's data (`clientid`, `clientsecret`), keys matched case-insensitively.
    public var secrets: [String: String]
    /// The file mode for objects without `filePermission` (the driver sends 0644).
    public var defaultFileMode: UInt32

    /// Creates a request.
    /// - Parameters:
    ///   - parameters: The merged parameters.
    ///   - secrets: The node-publish secret's data.
    ///   - defaultFileMode: The default file mode.
    public init(parameters: [String: String], secrets: [String: String] = [:], defaultFileMode: UInt32 = 0o644) {
        self.parameters = parameters
        self.secrets = secrets
        self.defaultFileMode = defaultFileMode
    }

    /// Builds a request from a class and the driver's attributes, which override the class's parameters on a
    /// key collision (as the driver's `maps.Copy` does).
    /// - Parameters:
    ///   - secretProviderClass: The class.
    ///   - attributes: The volume attributes (pod name, namespace, service-account tokens, ...).
    ///   - secrets: The node-publish secret's data.
    ///   - defaultFileMode: The default file mode.
    public init(
        secretProviderClass: SecretProviderClass,
        attributes: [String: String] = [:],
        secrets: [String: String] = [:],
        defaultFileMode: UInt32 = 0o644
    ) {
        var merged = secretProviderClass.parameters
        merged.merge(attributes) { _, attribute in attribute }
        self.init(parameters: merged, secrets: secrets, defaultFileMode: defaultFileMode)
    }

    /// Decodes a JSON object of strings (the driver's `attributes` or `secrets`); `null` is an empty map.
    /// - Parameters:
    ///   - json: The JSON text.
    ///   - what: `attributes` or `secrets`, for the error text.
    /// - Returns: The map.
    /// - Throws: ``SecretsStoreProviderError``: `failed to unmarshal <what>, error: ...` as the Go provider says.
    public static func decodeStringMap(_ json: Data, what: String) throws(SecretsStoreProviderError) -> [String: String] {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
        } catch {
            throw SecretsStoreProviderError(.invalidManifest, "failed to unmarshal \(what), error: \(error.localizedDescription)")
        }
        if object is NSNull { return [:] }
        guard let dictionary = object as? [String: Any] else {
            throw SecretsStoreProviderError(.invalidManifest, "failed to unmarshal \(what), error: expected a JSON object of strings")
        }
        var result: [String: String] = [:]
        for (key, value) in dictionary {
            guard let string = value as? String else {
                throw SecretsStoreProviderError(
                    .invalidManifest, "failed to unmarshal \(what), error: the value of \(GoValueParsing.goQuote(key)) is not a string"
                )
            }
            result[key] = string
        }
        return result
    }

    /// Decodes the driver's `permission` JSON (a decimal file mode such as `"420"` for 0644).
    /// - Parameter json: The JSON text.
    /// - Returns: The mode.
    /// - Throws: ``SecretsStoreProviderError``: `failed to unmarshal file permission, error: ...`.
    public static func decodePermission(_ json: Data) throws(SecretsStoreProviderError) -> UInt32 {
        let text = String(decoding: json, as: UTF8.self).trimmingWhitespace()
        let unquoted = text.hasPrefix("\"") && text.hasSuffix("\"") && text.count >= 2 ? String(text.dropFirst().dropLast()) : text
        guard let mode = UInt32(unquoted), mode <= 0o777 else {
            throw SecretsStoreProviderError(
                .invalidManifest, "failed to unmarshal file permission, error: \(GoValueParsing.goQuote(text)) is not a file mode between 0 and 511"
            )
        }
        return mode
    }
}

extension MountRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The parameter keys, the secret keys and the default mode; never a secret value or a service-account token.
    public var description: String {
        let tokens = ProviderParameters.Key.serviceAccountTokens
        let shown = parameters.keys.sorted().map { $0 == tokens || $0 == ProviderParameters.Key.objects ? "\($0)=<\(parameters[$0]?.utf8.count ?? 0) bytes>" : "\($0)=\(parameters[$0] ?? "")" }
        return "MountRequest(parameters: [\(shown.joined(separator: ", "))], secrets: \(secrets.keys.sorted()) <redacted>, defaultFileMode: \(String(defaultFileMode, radix: 8)))"
    }

    /// Same as ``description``.
    public var debugDescription: String { description }

    /// A mirror that shows the description only.
    public var customMirror: Mirror { Mirror(self, children: ["summary": description]) }
}
