/// A request budget per time window for one vault, answered with 429 `Throttled` once spent, as Key Vault
/// limits transactions per vault per 10 seconds.
public struct KeyVaultThrottling: Sendable, Hashable {
    /// Requests allowed per window; throttled requests do not count (as the service documents).
    public var requestsPerWindow: Int
    /// The window length in seconds.
    public var windowSeconds: Double
    /// The `Retry-After` value in seconds sent with the 429, or `nil` to send none (as the real service often does).
    public var retryAfterSeconds: Int?

    /// Creates a budget.
    /// - Parameters:
    ///   - requestsPerWindow: Requests allowed per window.
    ///   - windowSeconds: The window length in seconds (Key Vault's is 10).
    ///   - retryAfterSeconds: The `Retry-After` seconds, or `nil` for none.
    public init(requestsPerWindow: Int, windowSeconds: Double = 10, retryAfterSeconds: Int? = nil) {
        self.requestsPerWindow = requestsPerWindow
        self.windowSeconds = windowSeconds
        self.retryAfterSeconds = retryAfterSeconds
    }
}
