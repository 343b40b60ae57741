/// A request budget per time window for one vault, answered with 429 `Throttled` once spent, as Key Vault
/// limits transactions per vault per 10 seconds.
public struct KeyVaultThrottling: Sendable, Hashable {
    /// Requests allowed per window; throttled requests do not count (as the service documents).
    public var requestsPerWindow: Int
    /// The window length in seconds.
    public var windowSeconds: Double
    /// The `Retry-After` value in seconds sent with the 429, or `nil` to send none (as the real service often does).
    public var retryAfterSeconds: Int?
    /// Whether each 429 tells the exact rest of the window: `x-ms-retry-after-ms` with the milliseconds until the
    /// window ends, and `Retry-After` with them rounded up to whole seconds (unless ``retryAfterSeconds`` is set).
    public var tellsWindowRemainder: Bool

    /// Creates a budget.
    /// - Parameters:
    ///   - requestsPerWindow: Requests allowed per window.
    ///   - windowSeconds: The window length in seconds (Key Vault's is 10).
    ///   - retryAfterSeconds: The `Retry-After` seconds, or `nil` for none.
    ///   - tellsWindowRemainder: Whether each 429 carries the rest of the window in `x-ms-retry-after-ms`.
    public init(requestsPerWindow: Int, windowSeconds: Double = 10, retryAfterSeconds: Int? = nil, tellsWindowRemainder: Bool = false) {
        self.requestsPerWindow = requestsPerWindow
        self.windowSeconds = windowSeconds
        self.retryAfterSeconds = retryAfterSeconds
        self.tellsWindowRemainder = tellsWindowRemainder
    }
}
