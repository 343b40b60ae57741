/// The bounds of one of the provider's in-memory caches: at most ``maximumEntries`` entries, and none kept longer
/// than ``idleTimeout`` after its last use. Past the count, the least recently used entry goes first.
public struct CacheLimits: Sendable, Hashable {
    /// The most entries kept (at least 1).
    public var maximumEntries: Int
    /// How long an unused entry is kept.
    public var idleTimeout: Duration

    /// Creates limits.
    /// - Parameters:
    ///   - maximumEntries: The most entries kept (values below 1 mean 1).
    ///   - idleTimeout: How long an unused entry is kept.
    public init(maximumEntries: Int, idleTimeout: Duration) {
        self.maximumEntries = max(1, maximumEntries)
        self.idleTimeout = idleTimeout
    }
}

/// The limits of every cache a ``KeyVaultProvider`` keeps. The defaults suit a node with a few hundred pods.
public struct ProviderCacheLimits: Sendable, Hashable {
    /// Credentials (and their tokens), one per identity and proof: default 1,024 entries, 1 hour idle.
    public var identities: CacheLimits
    /// Key Vault clients (and their challenges), one per identity and vault: default 1,024 entries, 1 hour idle.
    public var clients: CacheLimits
    /// Converted contents of objects pinned to a version: default 4,096 entries, 24 hours idle.
    public var pinnedVersions: CacheLimits
    /// Converted contents of current versions within the freshness window (``ProviderConfiguration/objectCacheTTL``):
    /// default 4,096 entries, 1 hour idle.
    public var freshObjects: CacheLimits

    /// Creates limits.
    public init(
        identities: CacheLimits = CacheLimits(maximumEntries: 1024, idleTimeout: .seconds(3600)),
        clients: CacheLimits = CacheLimits(maximumEntries: 1024, idleTimeout: .seconds(3600)),
        pinnedVersions: CacheLimits = CacheLimits(maximumEntries: 4096, idleTimeout: .seconds(86_400)),
        freshObjects: CacheLimits = CacheLimits(maximumEntries: 4096, idleTimeout: .seconds(3600))
    ) {
        self.identities = identities
        self.clients = clients
        self.pinnedVersions = pinnedVersions
        self.freshObjects = freshObjects
    }
}
