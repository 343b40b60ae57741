import KeyVaultCore
import Logging

/// What the mounts of one provider share: the converted contents of objects pinned to a version, the contents of
/// current versions within the freshness window, and the fetches in flight (single flight).
///
/// Every key starts with the identity scope (the identity and the fingerprint of the proof it was built from), so
/// nothing fetched by one identity or proof is ever served to another. Within a scope, concurrent mounts that need
/// the same object (vault, type, name, version and conversion) share one Key Vault request.
actor SharedObjectStore {
    /// An object version and how it is converted, within one identity scope.
    struct Key: Hashable, Sendable {
        var scope: String
        var vault: String
        var type: String
        var name: String
        /// The version, empty for the current one; `versions` lists instead of getting.
        var version: String
        var listsVersions: Bool
        var pfx: Bool
        var encoding: String

        init(scope: String, vault: String, object: ValidatedKeyVaultObject, version: String, listsVersions: Bool = false) {
            self.scope = scope
            self.vault = vault.lowercased()
            self.type = object.type.rawValue
            self.name = object.source.objectName.lowercased()
            self.version = version
            self.listsVersions = listsVersions
            self.pfx = listsVersions ? false : object.format == .pfx
            self.encoding = listsVersions ? "" : object.encoding.rawValue
        }
    }

    /// A cached or shared value.
    enum Value: Sendable {
        case content(KeyVaultObjectContent)
        case versions([KeyVaultObjectVersion])
    }

    private struct Fresh {
        var value: Value
        var fetched: ContinuousClock.Instant
    }

    private var pinned: BoundedCache<Key, Value>
    private var fresh: BoundedCache<Key, Fresh>
    private var flights: [Key: Task<Value, any Error>] = [:]
    private let freshness: Duration
    private let metrics: ProviderMetrics

    init(limits: ProviderCacheLimits, freshness: Duration, metrics: ProviderMetrics) {
        pinned = BoundedCache(limits: limits.pinnedVersions)
        fresh = BoundedCache(limits: limits.freshObjects)
        self.freshness = freshness
        self.metrics = metrics
    }

    /// The value for `key`: from the pinned cache (`pinned`), from the freshness window, from a fetch already in
    /// flight, or from `fetch`, whose result is then kept as the kind of key allows. Errors are never kept.
    func value(
        for key: Key, pinned isPinned: Bool, fetch: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let now = ContinuousClock.now
        if isPinned {
            if let hit = pinned.value(for: key, now: now) {
                metrics.cache("pinned", hit: true)
                return hit
            }
            metrics.cache("pinned", hit: false)
        } else if freshness > .zero {
            if let hit = fresh.value(for: key, now: now), now - hit.fetched <= freshness {
                metrics.cache("fresh", hit: true)
                return hit.value
            }
            metrics.cache("fresh", hit: false)
        }
        if let flight = flights[key] {
            metrics.singleFlightJoin()
            return try await flight.value
        }
        let task = Task { try await fetch() }
        flights[key] = task
        let result = await task.result
        flights[key] = nil
        let value = try result.get()
        if isPinned {
            pinned.insert(value, for: key)
        } else if freshness > .zero {
            fresh.insert(Fresh(value: value, fetched: now), for: key)
        }
        return value
    }

    /// Entry counts, for tests and diagnostics.
    var statistics: (pinned: Int, fresh: Int, inFlight: Int) {
        (pinned.count, fresh.count, flights.count)
    }
}
