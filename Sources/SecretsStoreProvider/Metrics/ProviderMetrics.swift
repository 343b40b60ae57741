import CoreMetrics

/// The provider's metrics, recorded through an injected swift-metrics factory (the provider never bootstraps a
/// metrics system). Labels stay low-cardinality: never an object name, a vault name or an error text.
///
/// | name | kind | dimensions |
/// |---|---|---|
/// | `keyvault_request` | timer (seconds) | `object_type` (`secret`, `key`, `cert`), `result` (`ok`, `not_found`, `forbidden`, `throttled`, `error`) |
/// | `token_requests_total` | counter | `mode` (`managed_identity`, `workload_identity`, `service_principal`) |
/// | `cache_requests_total` | counter | `cache` (`identity`, `client`, `pinned`, `fresh`), `result` (`hit`, `miss`) |
/// | `singleflight_joins_total` | counter | |
/// | `keyvault_throttled_responses_total` | counter | |
/// | `keyvault_retries_total` | counter | `reason` (`throttled`, `server_error`, `transport`) |
public struct ProviderMetrics: Sendable {
    /// The metric names.
    public enum Name {
        /// Key Vault object fetches (one per object version, or per version listing), as the Go provider records.
        public static let keyVaultRequest = "keyvault_request"
        /// Token requests to Entra ID or IMDS (a new token; cached tokens are not counted).
        public static let tokenRequests = "token_requests_total"
        /// Cache lookups.
        public static let cacheRequests = "cache_requests_total"
        /// Fetches that joined an identical one already in flight instead of sending a request.
        public static let singleFlightJoins = "singleflight_joins_total"
        /// 429 answers from Key Vault (every attempt, retried or not).
        public static let throttledResponses = "keyvault_throttled_responses_total"
        /// Key Vault requests sent again after a 429, a 5xx or a transport failure.
        public static let retries = "keyvault_retries_total"
    }

    /// The factory the metrics are created from.
    public let factory: any MetricsFactory

    /// Creates metrics on a factory.
    /// - Parameter factory: The swift-metrics factory (for example swift-prometheus's).
    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Metrics that record nothing.
    public static let disabled = ProviderMetrics(factory: NOOPMetricsHandler.instance)

    func keyVaultRequest(objectType: String, result: String, duration: Duration) {
        record(Name.keyVaultRequest, dimensions: [("object_type", objectType), ("result", result)], duration: duration)
    }

    /// Records a duration on the timer (a histogram in seconds with swift-prometheus) of `label` and `dimensions`.
    /// - Parameters:
    ///   - label: The metric name.
    ///   - dimensions: Low-cardinality labels.
    ///   - duration: The duration.
    public func record(_ label: String, dimensions: [(String, String)], duration: Duration) {
        let (seconds, attoseconds) = duration.components
        Timer(label: label, dimensions: dimensions, factory: factory)
            .recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }

    func tokenRequest(mode: String) {
        Counter(label: Name.tokenRequests, dimensions: [("mode", mode)], factory: factory).increment()
    }

    func cache(_ cache: String, hit: Bool) {
        Counter(label: Name.cacheRequests, dimensions: [("cache", cache), ("result", hit ? "hit" : "miss")], factory: factory).increment()
    }

    func singleFlightJoin() {
        Counter(label: Name.singleFlightJoins, factory: factory).increment()
    }

    func throttledResponse() {
        Counter(label: Name.throttledResponses, factory: factory).increment()
    }

    func retry(reason: String) {
        Counter(label: Name.retries, dimensions: [("reason", reason)], factory: factory).increment()
    }
}
