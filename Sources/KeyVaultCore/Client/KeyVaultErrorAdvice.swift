/// The recommendations attached to ``KeyVaultError``s: what the user should do for each Key Vault error.
enum KeyVaultErrorAdvice {
    /// The advice for an error, from its status, Key Vault codes, object type and operation.
    static func recommendation(for error: KeyVaultError) -> String? {
        let type = error.objectType
        let kind = type?.description ?? "object"
        let permission = error.operation == "get" ? "get" : "list"
        let inner = error.innerErrorCode?.lowercased() ?? ""
        switch error.code {
        case .forbidden:
            if inner.hasSuffix("disabled") {
                return "The \(kind) version is disabled; enable it in the vault or request an enabled version."
            }
            let role = type?.readerRole ?? "Key Vault Secrets User"
            if inner == "forbiddenbyrbac" {
                return "The identity has no role assignment allowing this on an RBAC vault: assign it the "
                    + "\"\(role)\" role on the vault (or on the \(kind)). "
                    + "On a vault using access policies, add an access policy with the '\(permission)' permission for \(kind)s."
            }
            return "The identity is not allowed to read the \(kind): add an access policy with the '\(permission)' "
                + "permission for \(kind)s, or, on an RBAC vault, assign it the \"\(role)\" role."
        case .notFound:
            return "Check the \(kind) name, type and version; a deleted \(kind) must be recovered before it can be read."
        case .throttled:
            return "Key Vault throttles per vault (limits per 10 seconds); retry with backoff, read less often "
                + "(longer rotation interval) or spread objects over vaults."
        case .unauthorized:
            return "Key Vault rejected the token: check that the identity belongs to the vault's tenant and that the "
                + "token is issued for the vault's resource."
        default:
            return nil
        }
    }
}
