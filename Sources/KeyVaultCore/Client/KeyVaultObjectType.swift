/// The three kinds of Key Vault object, named as a `SecretProviderClass` names them (`secret`, `key`, `cert`).
public enum KeyVaultObjectType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// A secret (`/secrets`).
    case secret
    /// A key (`/keys`).
    case key
    /// A certificate (`/certificates`).
    case certificate = "cert"

    /// The REST collection: `secrets`, `keys` or `certificates`.
    public var collection: String {
        switch self {
        case .secret: "secrets"
        case .key: "keys"
        case .certificate: "certificates"
        }
    }

    /// The word used in messages: `secret`, `key` or `certificate`.
    public var description: String {
        switch self {
        case .secret: "secret"
        case .key: "key"
        case .certificate: "certificate"
        }
    }

    /// The Azure RBAC role that lets an identity read this kind of object, as the user's scenarios document it.
    public var readerRole: String {
        switch self {
        case .secret: "Key Vault Secrets User"
        case .key, .certificate: "Key Vault Certificate User"
        }
    }
}
