import Foundation

/// The parts of a Key Vault object identifier such as
/// `https://myvault.vault.azure.net/secrets/name/0123abcd` (collection, name, optional version).
public struct KeyVaultIdentifier: Sendable, Hashable {
    /// The vault URL (`https://myvault.vault.azure.net`), without a trailing slash.
    public var vaultURL: String
    /// The collection: `secrets`, `keys` or `certificates`.
    public var collection: String
    /// The object name.
    public var name: String
    /// The version, when the identifier has one.
    public var version: String?

    /// Parses an identifier.
    /// - Parameter identifier: The `id`, `kid` or `sid` value.
    /// - Returns: The parts, or `nil` when it is not `<scheme>://<host>/<collection>/<name>[/<version>]`.
    public init?(_ identifier: String) {
        guard let components = URLComponents(string: identifier), let scheme = components.scheme,
              let host = components.host, !host.isEmpty
        else { return nil }
        let segments = components.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard segments.count == 2 || segments.count == 3 else { return nil }
        var authority = host.contains(":") ? "[\(host)]" : host
        if let port = components.port { authority += ":\(port)" }
        self.vaultURL = "\(scheme)://\(authority)"
        self.collection = segments[0]
        self.name = segments[1]
        self.version = segments.count == 3 ? segments[2] : nil
    }
}
