import AzureCore
import Foundation
import Logging

/// A token cache shared by credentials: single flight, refresh ahead, and stable serving while refreshes fail.
///
/// - One request in flight per key (credential, tenant, scopes, claims), however many callers wait.
/// - A token is refreshed once the clock passes its `refreshOn` (the server's `refresh_in`, or half-life for tokens
///   of two hours or more, set by the credentials) or comes within ``refreshOffset`` (5 min) of expiry.
/// - While the cached token is still valid, a failed refresh is logged and the cached token served; refresh
///   attempts are then made at most every ``retryInterval`` (30 s). Callers that arrive during a refresh get the
///   cached token without waiting.
/// - Errors are never cached: once no valid token remains, every call starts a new request.
/// - Waiters are independent of the shared request: a cancelled waiter returns `CancellationError` at once and the
///   request continues for the others.
public actor TokenCache {
    /// Identifies one cached token.
    public struct Key: Sendable, Hashable {
        /// The credential's identity (type, authority, tenant, client).
        public var credentialID: String
        /// The tenant requested, if any.
        public var tenantID: String?
        /// The scopes.
        public var scopes: [String]
        /// The claims challenge, if any.
        public var claims: String?

        /// Creates a key.
        /// - Parameters:
        ///   - credentialID: The credential's identity.
        ///   - tenantID: The tenant.
        ///   - scopes: The scopes.
        ///   - claims: The claims.
        public init(credentialID: String, tenantID: String?, scopes: [String], claims: String? = nil) {
            self.credentialID = credentialID
            self.tenantID = tenantID
            self.scopes = scopes
            self.claims = claims
        }
    }

    private struct Entry {
        var token: AccessToken?
        var lastAttempt: Date?
        var inFlight: Bool = false
        var waiters: [UUID: CheckedContinuation<AccessToken, any Error>] = [:]
    }

    private let clock: any AzureClock
    private let logger: Logger
    /// Refresh this long before expiry at the latest.
    public let refreshOffset: Duration
    /// Minimum interval between refresh attempts while a valid token is cached.
    public let retryInterval: Duration
    private var entries: [Key: Entry] = [:]
    private var fetchCount = 0

    /// Creates a cache.
    /// - Parameters:
    ///   - clock: The clock (inject a manual clock in tests).
    ///   - refreshOffset: Refresh at most this long before expiry (default 5 min).
    ///   - retryInterval: Minimum time between refresh attempts while a valid token exists (default 30 s).
    ///   - logger: Receives refresh failures (info) and cache events (trace); never a token.
    public init(
        clock: any AzureClock = SystemClock(),
        refreshOffset: Duration = .seconds(300),
        retryInterval: Duration = .seconds(30),
        logger: Logger = Logger(label: "IdentityProviders.TokenCache", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.clock = clock
        self.refreshOffset = refreshOffset
        self.retryInterval = retryInterval
        self.logger = logger
    }

    /// The number of fetches started so far (for diagnostics and tests).
    public var fetchesStarted: Int { fetchCount }

    /// Returns a cached token or fetches one.
    /// - Parameters:
    ///   - key: The cache key.
    ///   - fetch: Obtains a new token; runs at most once at a time per key, detached from the callers' tasks.
    /// - Returns: A valid token.
    /// - Throws: The fetch error when no valid token is cached, or `CancellationError` when this caller is cancelled.
    public func token(for key: Key, fetch: @escaping @Sendable () async throws -> AccessToken) async throws -> AccessToken {
        let now = clock.now()
        var entry = entries[key] ?? Entry()
        if let token = entry.token, token.expiresOn > now {
            let refreshDue = (token.refreshOn.map { now >= $0 } ?? false)
                || token.expiresOn.timeIntervalSince(now) <= refreshOffset.azureSeconds
            if !refreshDue {
                logger.trace("token cache hit", metadata: ["credential": "\(key.credentialID)"])
                return token
            }
            if entry.inFlight { return token }
            if let last = entry.lastAttempt, now.timeIntervalSince(last) < retryInterval.azureSeconds { return token }
            logger.debug("refreshing token ahead of expiry", metadata: ["credential": "\(key.credentialID)", "expiresOn": "\(token.expiresOn)"])
        } else if entry.token != nil {
            entry.token = nil
        }
        if !entry.inFlight {
            entry.inFlight = true
            entry.lastAttempt = now
            entries[key] = entry
            start(key: key, fetch: fetch)
        } else {
            entries[key] = entry
        }
        return try await wait(for: key)
    }

    /// Drops a cached token (for example after a resource answered 401 with it).
    /// - Parameter key: The key.
    public func invalidate(_ key: Key) {
        entries[key]?.token = nil
        entries[key]?.lastAttempt = nil
    }

    /// Drops every cached token (waiters of in-flight requests are still answered).
    public func removeAll() {
        for key in entries.keys {
            entries[key]?.token = nil
            entries[key]?.lastAttempt = nil
        }
    }

    private func start(key: Key, fetch: @escaping @Sendable () async throws -> AccessToken) {
        fetchCount += 1
        Task {
            let result: Result<AccessToken, any Error>
            do {
                result = .success(try await fetch())
            } catch {
                result = .failure(error)
            }
            self.complete(key: key, result: result)
        }
    }

    private func complete(key: Key, result: Result<AccessToken, any Error>) {
        guard var entry = entries[key] else { return }
        entry.inFlight = false
        let waiters = entry.waiters
        entry.waiters = [:]
        let now = clock.now()
        let outcome: Result<AccessToken, any Error>
        switch result {
        case .success(let token):
            entry.token = token
            outcome = .success(token)
        case .failure(let error):
            if let token = entry.token, token.expiresOn > now {
                logger.info(
                    "token refresh failed; serving the cached token until it expires",
                    metadata: ["credential": "\(key.credentialID)", "expiresOn": "\(token.expiresOn)", "error": "\(error)"]
                )
                outcome = .success(token)
            } else {
                entry.token = nil
                outcome = .failure(error)
            }
        }
        entries[key] = entry
        for continuation in waiters.values {
            continuation.resume(with: outcome)
        }
    }

    private func wait(for key: Key) async throws -> AccessToken {
        let id = UUID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<AccessToken, any Error>) in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    entries[key, default: Entry()].waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(key: key, id: id) }
        }
    }

    private func cancelWaiter(key: Key, id: UUID) {
        if let continuation = entries[key]?.waiters.removeValue(forKey: id) {
            continuation.resume(throwing: CancellationError())
        }
    }
}
