// MountWriter: what one write did.

/// What ``AtomicDirectoryWriter/write(_:)`` did.
public struct WriteResult: Sendable, Hashable {
    /// Whether a new data directory was published (the `..data` link was swapped).
    ///
    /// `false` means the payload (contents, modes, and owners where requested) already matched the disk.
    /// Repairs of user-visible links and removal of crash leftovers alone do not count as a change; they are
    /// reported in ``changedLinks`` and ``removedLeftovers``.
    public var changed: Bool
    /// Payload paths that did not exist before, sorted.
    public var added: [String]
    /// Payload paths whose contents, mode or requested owner changed, sorted.
    public var updated: [String]
    /// Files that existed before and are no longer projected, sorted.
    public var removed: [String]
    /// The name of the data directory `..data` points to after the write (for example
    /// `..2026_11_29_00_10_01.2871346501`).
    public var dataDirectory: String
    /// Top-level names whose user-visible entry this write created, replaced or removed, sorted: the links of
    /// new and dropped top-level names, and any missing or wrong entry it fixed. With ``changed`` `false`, every
    /// name here is a repair (for example a link missing after a crash, or a planted link replaced).
    public var changedLinks: [String]
    /// Names of leftovers of interrupted writes that were removed (`..data_tmp`, orphaned data directories),
    /// sorted.
    public var removedLeftovers: [String]

    /// Creates a result.
    ///
    /// - Parameters:
    ///   - changed: Whether a new data directory was published.
    ///   - added: New payload paths.
    ///   - updated: Changed payload paths.
    ///   - removed: Paths no longer projected.
    ///   - dataDirectory: The current data directory name.
    ///   - changedLinks: Top-level names whose user-visible entry was created, replaced or removed.
    ///   - removedLeftovers: Leftovers of interrupted writes that were removed.
    public init(
        changed: Bool,
        added: [String],
        updated: [String],
        removed: [String],
        dataDirectory: String,
        changedLinks: [String] = [],
        removedLeftovers: [String] = []
    ) {
        self.changed = changed
        self.added = added
        self.updated = updated
        self.removed = removed
        self.dataDirectory = dataDirectory
        self.changedLinks = changedLinks
        self.removedLeftovers = removedLeftovers
    }
}
