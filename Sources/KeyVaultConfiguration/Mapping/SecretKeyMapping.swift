import Foundation
import Configuration

/// Which secrets of a vault become configuration values, and under which keys (like .NET's
/// `KeyVaultSecretManager`).
///
/// The default splits a secret's name at `--` into key components and lowercases them (Key Vault names are
/// case-insensitive): `Database--Password` is read as `database.password`. A custom mapping may rename a secret or
/// skip it by returning `nil`.
///
/// ```swift
/// // Only the secrets of this service, without the prefix: `orders--db--password` becomes `db.password`.
/// let mapping = SecretKeyMapping { name in
///     guard name.lowercased().hasPrefix("orders--") else { return nil }
///     return SecretKeyMapping.default.key(for: String(name.dropFirst("orders--".count)))
/// }
/// ```
public struct SecretKeyMapping: Sendable {
    private let map: @Sendable (String) -> AbsoluteConfigKey?

    /// Creates a mapping from a closure.
    /// - Parameter map: Gets a secret's name; returns its configuration key, or `nil` to skip the secret.
    public init(_ map: @escaping @Sendable (_ secretName: String) -> AbsoluteConfigKey?) {
        self.map = map
    }

    /// The key of a secret, or `nil` when the secret is skipped.
    /// - Parameter secretName: The secret's name in Key Vault.
    /// - Returns: The configuration key.
    public func key(for secretName: String) -> AbsoluteConfigKey? { map(secretName) }

    /// `--` separates key components; components are lowercased; a name with an empty component is skipped.
    public static let `default` = SecretKeyMapping { name in
        let components = name.lowercased().components(separatedBy: "--")
        guard !components.contains(where: \.isEmpty) else { return nil }
        return AbsoluteConfigKey(components)
    }
}
