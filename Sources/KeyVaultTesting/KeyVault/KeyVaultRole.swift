import Foundation

/// A built-in Key Vault data-plane role, with the data actions it grants (as in Azure's role definitions).
public struct KeyVaultRole: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The role's display name, for example `Key Vault Secrets User`.
    public var name: String
    /// The data actions the role grants; a trailing `*` matches any suffix, `*/read` any kind's read action.
    public var dataActions: [String]

    /// Creates a role.
    /// - Parameters:
    ///   - name: The display name.
    ///   - dataActions: The data actions granted, with `*` wildcards as in Azure role definitions.
    public init(name: String, dataActions: [String]) {
        self.name = name
        self.dataActions = dataActions
    }

    /// The role name.
    public var description: String { name }

    /// Key Vault Administrator: every data action on the vault.
    public static let administrator = KeyVaultRole(
        name: "Key Vault Administrator", dataActions: ["Microsoft.KeyVault/vaults/*"])
    /// Key Vault Reader: metadata only, never secret values.
    public static let reader = KeyVaultRole(
        name: "Key Vault Reader",
        dataActions: ["Microsoft.KeyVault/vaults/*/read", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"])
    /// Key Vault Secrets User: read secret contents.
    public static let secretsUser = KeyVaultRole(
        name: "Key Vault Secrets User",
        dataActions: [
            "Microsoft.KeyVault/vaults/secrets/getSecret/action",
            "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
        ])
    /// Key Vault Secrets Officer: every action on secrets.
    public static let secretsOfficer = KeyVaultRole(
        name: "Key Vault Secrets Officer", dataActions: ["Microsoft.KeyVault/vaults/secrets/*"])
    /// Key Vault Certificate User: read whole certificates, including their secret and key parts.
    public static let certificateUser = KeyVaultRole(
        name: "Key Vault Certificate User",
        dataActions: [
            "Microsoft.KeyVault/vaults/certificates/read",
            "Microsoft.KeyVault/vaults/secrets/getSecret/action",
            "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
            "Microsoft.KeyVault/vaults/keys/read",
        ])
    /// Key Vault Certificates Officer: every action on certificates, and reading their secret and key parts.
    public static let certificatesOfficer = KeyVaultRole(
        name: "Key Vault Certificates Officer",
        dataActions: [
            "Microsoft.KeyVault/vaults/certificates/*",
            "Microsoft.KeyVault/vaults/certificatecas/*",
            "Microsoft.KeyVault/vaults/secrets/getSecret/action",
            "Microsoft.KeyVault/vaults/secrets/readMetadata/action",
            "Microsoft.KeyVault/vaults/keys/read",
        ])
    /// Key Vault Crypto User: read keys and use them.
    public static let cryptoUser = KeyVaultRole(
        name: "Key Vault Crypto User",
        dataActions: [
            "Microsoft.KeyVault/vaults/keys/read",
            "Microsoft.KeyVault/vaults/keys/update/action",
            "Microsoft.KeyVault/vaults/keys/backup/action",
            "Microsoft.KeyVault/vaults/keys/encrypt/action",
            "Microsoft.KeyVault/vaults/keys/decrypt/action",
            "Microsoft.KeyVault/vaults/keys/wrap/action",
            "Microsoft.KeyVault/vaults/keys/unwrap/action",
            "Microsoft.KeyVault/vaults/keys/sign/action",
            "Microsoft.KeyVault/vaults/keys/verify/action",
        ])
    /// Key Vault Crypto Officer: every action on keys.
    public static let cryptoOfficer = KeyVaultRole(
        name: "Key Vault Crypto Officer", dataActions: ["Microsoft.KeyVault/vaults/keys/*"])

    /// The built-in roles this type knows.
    public static let builtIn: [KeyVaultRole] = [
        .administrator, .reader, .secretsUser, .secretsOfficer, .certificateUser, .certificatesOfficer,
        .cryptoUser, .cryptoOfficer,
    ]

    /// Looks a built-in role up by its display name, case-insensitively.
    /// - Parameter name: A name such as `Key Vault Secrets User`.
    /// - Returns: The role, or `nil` if no built-in role has that name.
    public static func named(_ name: String) -> KeyVaultRole? {
        builtIn.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
    }

    /// Whether the role grants a data action.
    /// - Parameter action: A data action such as `Microsoft.KeyVault/vaults/secrets/getSecret/action`.
    /// - Returns: `true` when one of ``dataActions`` matches it.
    public func grants(_ action: String) -> Bool {
        dataActions.contains { Self.matches(pattern: $0, action: action) }
    }

    static func matches(pattern: String, action: String) -> Bool {
        let pattern = pattern.lowercased()
        let action = action.lowercased()
        guard let star = pattern.firstIndex(of: "*") else { return pattern == action }
        let prefix = pattern[..<star]
        let suffix = pattern[pattern.index(after: star)...]
        guard action.hasPrefix(prefix), action.count >= prefix.count + suffix.count else { return false }
        if suffix.isEmpty { return true }
        // `*` stands for one path segment when a suffix follows (as in `vaults/*/read`).
        guard action.hasSuffix(suffix) else { return false }
        let middle = action.dropFirst(prefix.count).dropLast(suffix.count)
        return !middle.isEmpty && !middle.contains("/")
    }
}
