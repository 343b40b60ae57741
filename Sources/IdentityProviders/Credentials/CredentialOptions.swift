import AzureCore
import Foundation
import Logging

/// What every credential takes: transport, retry policy, clock, cache, logger, authority host and tenants.
public struct CredentialOptions: Sendable {
    /// The HTTP transport (default: `AsyncHTTPClientTransport.shared`, which follows no redirects).
    public var transport: any HTTPTransport
    /// Retries of token requests to Entra ID (429, 5xx, connection failures).
    public var retryPolicy: RetryPolicy
    /// The clock for token lifetimes, refresh and retry waits.
    public var clock: any AzureClock
    /// The token cache; `nil` gives each credential its own cache on ``clock``. Credentials sharing a cache share a
    /// token only when they hold the same proof (the same client secret, certificate, token file or CSI attribute).
    public var cache: TokenCache?
    /// The logger. Tokens, assertions and secrets are never logged.
    public var logger: Logger
    /// The Entra ID authority host (default public cloud). Overridden by `AZURE_AUTHORITY_HOST` in
    /// environment-based initialisers.
    public var authorityHost: URL
    /// Tenants other than the configured one that a request may name (`"*"` allows any).
    public var additionallyAllowedTenants: [String]

    /// Creates options.
    /// - Parameters:
    ///   - transport: HTTP transport.
    ///   - retryPolicy: Retry policy for Entra requests.
    ///   - clock: Clock.
    ///   - cache: Shared cache, or `nil` for a private one.
    ///   - logger: Logger.
    ///   - authorityHost: Authority host.
    ///   - additionallyAllowedTenants: Extra tenants allowed in `TokenRequestContext.tenantID`.
    public init(
        transport: any HTTPTransport = AsyncHTTPClientTransport.shared,
        retryPolicy: RetryPolicy = .default,
        clock: any AzureClock = SystemClock(),
        cache: TokenCache? = nil,
        logger: Logger = Logger(label: "IdentityProviders", factory: { _ in SwiftLogNoOpLogHandler() }),
        authorityHost: URL = AzureCloud.publicCloud.authorityHost,
        additionallyAllowedTenants: [String] = []
    ) {
        self.transport = transport
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.cache = cache
        self.logger = logger
        self.authorityHost = authorityHost
        self.additionallyAllowedTenants = additionallyAllowedTenants
    }

    func resolvedCache() -> TokenCache {
        cache ?? TokenCache(clock: clock, logger: logger)
    }

    func tenant(for request: TokenRequestContext, configured: String, credential: String) throws -> String {
        guard let requested = request.tenantID, !requested.isEmpty, requested.lowercased() != configured.lowercased() else {
            return configured
        }
        guard configured.lowercased() == "adfs" || additionallyAllowedTenants.contains("*")
            || additionallyAllowedTenants.contains(where: { $0.lowercased() == requested.lowercased() })
        else {
            throw IdentityError(
                code: .tenantNotAllowed, credential: credential,
                message: "the request names tenant '\(requested)' but the credential is configured for '\(configured)'; add it to additionallyAllowedTenants to allow it"
            )
        }
        try AuthorityValidation.validateTenant(requested, credential: credential)
        return requested
    }
}
