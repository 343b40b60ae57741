/// How a vault decides who may do what, as the `enableRbacAuthorization` switch of a real vault does.
public enum KeyVaultPermissionModel: String, Sendable, Hashable, Codable {
    /// Azure RBAC: data actions granted by role assignments (``KeyVaultRole``) to an object ID.
    case rbac
    /// Vault access policies: per object ID, permissions per object kind (``KeyVaultAccessPolicy``).
    case accessPolicies
}
