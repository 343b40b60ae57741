/// The three kinds of Key Vault objects the emulator stores.
public enum KeyVaultObjectKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A secret (`/secrets/...`).
    case secret
    /// A key (`/keys/...`).
    case key
    /// A certificate (`/certificates/...`).
    case certificate

    /// The path collection name (`secrets`, `keys`, `certificates`).
    public var collection: String {
        switch self {
        case .secret: "secrets"
        case .key: "keys"
        case .certificate: "certificates"
        }
    }
}
