/// A vault access policy entry: the permissions one object ID has, per object kind (`get`, `list`, `set`, ...).
public struct KeyVaultAccessPolicy: Sendable, Hashable, Codable {
    /// The object ID (`oid`) of the identity the policy applies to.
    public var objectID: String
    /// Secret permissions, lower-case (`get`, `list`, `set`, ...; `all` grants everything).
    public var secrets: Set<String>
    /// Key permissions, lower-case (`get`, `list`, `create`, `import`, ...; `all` grants everything).
    public var keys: Set<String>
    /// Certificate permissions, lower-case (`get`, `list`, `import`, `create`, ...; `all` grants everything).
    public var certificates: Set<String>

    /// Creates a policy entry.
    /// - Parameters:
    ///   - objectID: The identity's object ID.
    ///   - secrets: Secret permissions.
    ///   - keys: Key permissions.
    ///   - certificates: Certificate permissions.
    public init(objectID: String, secrets: Set<String> = [], keys: Set<String> = [], certificates: Set<String> = []) {
        self.objectID = objectID
        self.secrets = Set(secrets.map { $0.lowercased() })
        self.keys = Set(keys.map { $0.lowercased() })
        self.certificates = Set(certificates.map { $0.lowercased() })
    }
}
