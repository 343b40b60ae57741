import Synchronization

/// The validated `objects` of recently seen `SecretProviderClass`es, by their exact text: every pod of a Deployment
/// (and every rotation) sends the same text, so the YAML is parsed and checked once instead of on every mount.
/// Only texts that validated are kept; a bad one is parsed again and fails again. Bounded (least recently used
/// first, default 256 entries, 1 hour idle).
public final class ParsedObjectsCache: Sendable {
    private let cache: Mutex<BoundedCache<String, [ValidatedKeyVaultObject]>>

    /// Creates a cache.
    /// - Parameter limits: The entry limit and idle time-out.
    public init(limits: CacheLimits = CacheLimits(maximumEntries: 256, idleTimeout: .seconds(3600))) {
        cache = Mutex(BoundedCache(limits: limits))
    }

    /// The validated objects of `text`, parsing and validating it when it is not cached.
    func objects(
        for text: String, parse: (String) throws(SecretsStoreProviderError) -> [ValidatedKeyVaultObject]
    ) throws(SecretsStoreProviderError) -> [ValidatedKeyVaultObject] {
        if let hit = cache.withLock({ $0.value(for: text) }) { return hit }
        let parsed = try parse(text)
        cache.withLock { $0.insert(parsed, for: text) }
        return parsed
    }

    /// The number of texts cached.
    public var count: Int { cache.withLock { $0.count } }
}
