import AzureCore
import Foundation
import Synchronization

/// A `TokenCredential` that hands out a fixed token and records every request for one, for tests of
/// code that takes any credential (a Key Vault client, a provider).
///
/// ```swift
/// let credential = StaticTokenCredential(token: "test-token")
/// let client = try KeyVaultClient(vaultURL: vaultURL, credential: credential, transport: transport)
/// _ = try await client.getSecret(name: "db-password")
/// #expect(credential.requests.first?.scopes == ["https://vault.azure.net/.default"])
/// ```
public final class StaticTokenCredential: TokenCredential, Sendable {
    private let token: @Sendable (Int) -> String
    private let lifetime: Duration
    private let recorded = Mutex<[TokenRequestContext]>([])

    /// Creates a credential that returns the same token on every call.
    /// - Parameters:
    ///   - token: The token string every call returns.
    ///   - lifetime: How long each returned token is valid from the time of the call (default one hour).
    public init(token: String = "static-test-token", lifetime: Duration = .seconds(3600)) {
        self.token = { _ in token }
        self.lifetime = lifetime
    }

    /// Creates a credential whose token depends on the call, to tell a renewed token from the first one
    /// (for example `StaticTokenCredential { "token-\($0)" }`).
    /// - Parameters:
    ///   - lifetime: How long each returned token is valid from the time of the call (default one hour).
    ///   - token: The token for the n-th call, counting from 1.
    public init(lifetime: Duration = .seconds(3600), token: @escaping @Sendable (_ call: Int) -> String) {
        self.token = token
        self.lifetime = lifetime
    }

    /// Records the request and returns the token.
    /// - Parameter request: The scopes, tenant and claims asked for.
    /// - Returns: The fixed token, expiring after the lifetime.
    /// - Throws: `CancellationError` when the task is cancelled.
    public func getToken(for request: TokenRequestContext) async throws -> AccessToken {
        try Task.checkCancellation()
        let call = recorded.withLock { requests in
            requests.append(request)
            return requests.count
        }
        return AccessToken(token: token(call), expiresOn: Date().addingTimeInterval(lifetime.azureSeconds))
    }

    /// Every request for a token so far, in order.
    public var requests: [TokenRequestContext] { recorded.withLock { $0 } }

    /// The number of tokens handed out so far.
    public var callCount: Int { recorded.withLock { $0.count } }
}
