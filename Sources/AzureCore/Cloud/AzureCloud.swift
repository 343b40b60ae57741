import Foundation

/// An Azure cloud: where to get tokens and how Key Vault hosts are named.
///
/// Names are those of go-autorest (`AzurePublicCloud`, `AzureChinaCloud`, `AzureUSGovernmentCloud`,
/// `AzureGermanCloud`, `AzureStackCloud`), matched case-insensitively; an empty name means the public cloud.
/// `AzureStackCloud` (or any custom cloud) is loaded from the JSON environment file the Go provider accepts
/// (`cloudEnvFileName` / `AZURE_ENVIRONMENT_FILEPATH`).
public struct AzureCloud: Sendable, Hashable {
    /// The cloud's name, for example `AzurePublicCloud`.
    public var name: String
    /// The Entra ID authority host, without trailing slash (`https://login.microsoftonline.com`).
    public var authorityHost: URL
    /// The Key Vault DNS suffix without leading dot (`vault.azure.net`).
    public var keyVaultDNSSuffix: String
    /// The Key Vault token audience (`https://vault.azure.net`); the scope is this plus `/.default`.
    public var keyVaultResource: String
    /// The Resource Manager endpoint, when known.
    public var resourceManagerEndpoint: URL?

    /// Creates a cloud.
    /// - Parameters:
    ///   - name: Name.
    ///   - authorityHost: Entra authority host (a trailing slash is removed).
    ///   - keyVaultDNSSuffix: Key Vault DNS suffix (a leading dot is removed).
    ///   - keyVaultResource: Key Vault resource / audience (a trailing slash is removed).
    ///   - resourceManagerEndpoint: Resource Manager endpoint.
    public init(name: String, authorityHost: URL, keyVaultDNSSuffix: String, keyVaultResource: String, resourceManagerEndpoint: URL? = nil) {
        self.name = name
        self.authorityHost = Self.trimmingSlash(authorityHost)
        self.keyVaultDNSSuffix = keyVaultDNSSuffix.hasPrefix(".") ? String(keyVaultDNSSuffix.dropFirst()) : keyVaultDNSSuffix
        self.keyVaultResource = keyVaultResource.hasSuffix("/") ? String(keyVaultResource.dropLast()) : keyVaultResource
        self.resourceManagerEndpoint = resourceManagerEndpoint
    }

    /// The Key Vault scope, `<keyVaultResource>/.default`.
    public var keyVaultScope: String { keyVaultResource + "/.default" }

    /// The Azure public cloud.
    public static let publicCloud = AzureCloud(
        name: "AzurePublicCloud",
        authorityHost: URL(string: "https://login.microsoftonline.com")!,
        keyVaultDNSSuffix: "vault.azure.net",
        keyVaultResource: "https://vault.azure.net",
        resourceManagerEndpoint: URL(string: "https://management.azure.com/")
    )

    /// Azure operated by 21Vianet (China).
    public static let chinaCloud = AzureCloud(
        name: "AzureChinaCloud",
        authorityHost: URL(string: "https://login.chinacloudapi.cn")!,
        keyVaultDNSSuffix: "vault.azure.cn",
        keyVaultResource: "https://vault.azure.cn",
        resourceManagerEndpoint: URL(string: "https://management.chinacloudapi.cn/")
    )

    /// Azure US Government.
    public static let usGovernmentCloud = AzureCloud(
        name: "AzureUSGovernmentCloud",
        authorityHost: URL(string: "https://login.microsoftonline.us")!,
        keyVaultDNSSuffix: "vault.usgovcloudapi.net",
        keyVaultResource: "https://vault.usgovcloudapi.net",
        resourceManagerEndpoint: URL(string: "https://management.usgovcloudapi.net/")
    )

    /// Azure Germany (closed in 2021; kept because go-autorest still accepts the name).
    public static let germanCloud = AzureCloud(
        name: "AzureGermanCloud",
        authorityHost: URL(string: "https://login.microsoftonline.de")!,
        keyVaultDNSSuffix: "vault.microsoftazure.de",
        keyVaultResource: "https://vault.microsoftazure.de",
        resourceManagerEndpoint: URL(string: "https://management.microsoftazure.de/")
    )

    /// The built-in clouds.
    public static let builtIn: [AzureCloud] = [.publicCloud, .chinaCloud, .usGovernmentCloud, .germanCloud]

    /// Resolves a cloud by name (case-insensitive; empty = public). `AzureStackCloud` is read from the file named by
    /// `environmentFilePath`, or else by `AZURE_ENVIRONMENT_FILEPATH` in `environment`.
    /// - Parameters:
    ///   - name: The cloud name.
    ///   - environmentFilePath: The JSON environment file (the provider's `cloudEnvFileName`).
    ///   - environment: Environment variables (for `AZURE_ENVIRONMENT_FILEPATH`).
    /// - Returns: The cloud.
    /// - Throws: ``AzureCoreError`` `unknownCloud` (text compatible with the Go provider) or `invalidConfiguration`.
    public static func named(
        _ name: String,
        environmentFilePath: String? = nil,
        environment: [String: String] = [:]
    ) throws -> AzureCloud {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return .publicCloud }
        if trimmed.caseInsensitiveCompare("AzureStackCloud") == .orderedSame {
            guard let path = environmentFilePath ?? environment["AZURE_ENVIRONMENT_FILEPATH"], !path.isEmpty else {
                throw AzureCoreError(
                    code: .unknownCloud,
                    message: "cloudName \(trimmed) is not valid, error: AZURE_ENVIRONMENT_FILEPATH is not set (cloudEnvFileName)"
                )
            }
            do {
                return try fromEnvironmentFile(at: URL(fileURLWithPath: path))
            } catch let error as AzureCoreError {
                throw AzureCoreError(code: .unknownCloud, message: "cloudName \(trimmed) is not valid, error: \(error.message)")
            }
        }
        if let cloud = builtIn.first(where: { $0.name.caseInsensitiveCompare(trimmed) == .orderedSame }) {
            return cloud
        }
        throw AzureCoreError(code: .unknownCloud, message: "cloudName \(trimmed) is not valid, error: autorest/azure: There is no cloud environment matching the name \"\(trimmed.uppercased())\"")
    }

    /// Loads a custom cloud from a go-autorest environment JSON file.
    /// - Parameter url: The file.
    /// - Returns: The cloud.
    /// - Throws: ``AzureCoreError`` `invalidConfiguration` when unreadable or missing required fields.
    public static func fromEnvironmentFile(at url: URL) throws -> AzureCloud {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw AzureCoreError(code: .invalidConfiguration, message: "open \(url.path): no such file or readable file")
        }
        return try fromEnvironmentJSON(data)
    }

    /// Parses a go-autorest environment JSON document (`name`, `activeDirectoryEndpoint`, `keyVaultDNSSuffix`,
    /// `keyVaultEndpoint`, `resourceIdentifiers.keyVault`, `resourceManagerEndpoint`).
    /// - Parameter data: The JSON.
    /// - Returns: The cloud.
    /// - Throws: ``AzureCoreError`` `invalidConfiguration`.
    public static func fromEnvironmentJSON(_ data: Data) throws -> AzureCloud {
        struct File: Decodable {
            struct ResourceIdentifiers: Decodable { var keyVault: String? }
            var name: String?
            var activeDirectoryEndpoint: String?
            var keyVaultDNSSuffix: String?
            var keyVaultEndpoint: String?
            var resourceManagerEndpoint: String?
            var resourceIdentifiers: ResourceIdentifiers?
        }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw AzureCoreError(code: .invalidConfiguration, message: "the cloud environment file is not valid JSON")
        }
        guard let authority = file.activeDirectoryEndpoint.flatMap({ URL(string: $0) }), authority.scheme != nil else {
            throw AzureCoreError(code: .invalidConfiguration, message: "the cloud environment file has no valid activeDirectoryEndpoint")
        }
        guard let suffix = file.keyVaultDNSSuffix, !suffix.isEmpty else {
            throw AzureCoreError(code: .invalidConfiguration, message: "the cloud environment file has no keyVaultDNSSuffix")
        }
        let identifier = file.resourceIdentifiers?.keyVault.flatMap { $0.isEmpty || $0 == "N/A" ? nil : $0 }
        let endpoint = file.keyVaultEndpoint.flatMap { $0.isEmpty ? nil : $0 }
        let resource = identifier ?? endpoint ?? "https://\(suffix.hasPrefix(".") ? String(suffix.dropFirst()) : suffix)"
        return AzureCloud(
            name: file.name ?? "AzureStackCloud",
            authorityHost: authority,
            keyVaultDNSSuffix: suffix,
            keyVaultResource: resource,
            resourceManagerEndpoint: file.resourceManagerEndpoint.flatMap { URL(string: $0) }
        )
    }

    private static func trimmingSlash(_ url: URL) -> URL {
        var string = url.absoluteString
        while string.hasSuffix("/") { string.removeLast() }
        return URL(string: string) ?? url
    }
}
