import AzureCore
import Synchronization

/// A credential that counts the new tokens its base credential obtains (`token_requests_total`): a token that
/// differs from the last one returned for the same scopes was requested from Entra ID or IMDS; a cached token was
/// not. Only a hash of each token is kept.
final class MeteredCredential: TokenCredential {
    let base: any TokenCredential
    let mode: String
    let metrics: ProviderMetrics
    private let lastTokens = Mutex<[String: Int]>([:])

    init(base: any TokenCredential, mode: String, metrics: ProviderMetrics) {
        self.base = base
        self.mode = mode
        self.metrics = metrics
    }

    func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        let token = try await base.getToken(for: request)
        let scope = request.scopes.joined(separator: " ") + "|" + (request.tenantID ?? "")
        var hasher = Hasher()
        hasher.combine(token.token)
        hasher.combine(token.expiresOn)
        let tag = hasher.finalize()
        let isNew = lastTokens.withLock { last -> Bool in
            guard last[scope] != tag else { return false }
            last[scope] = tag
            return true
        }
        if isNew { metrics.tokenRequest(mode: mode) }
        return token
    }
}
