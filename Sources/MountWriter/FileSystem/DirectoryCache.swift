// MountWriter: a few open directories of one tree, by relative path, so that a write holds a bounded number of
// descriptors whatever the shape of the payload.

/// A least-recently-used set of at most ``capacity`` open directories below a root, by relative path.
///
/// A directory that is not open is reached from its nearest open ancestor (or the root) one component at a time
/// with ``DirectoryHandle/openDirectory(_:)`` (`O_NOFOLLOW`, never a multi-component path), so no symbolic link
/// is followed; the intermediate directories are closed again on the way. When the cache is full, the least
/// recently used directory is closed, after an `fsync` when the cache synchronizes (the directories of a new
/// data directory, whose entries must reach the disk). The handle returned by ``handle(for:)`` stays open until
/// the next call of ``handle(for:)`` or ``insert(_:for:)`` on the same cache.
struct DirectoryCache {
    /// The most directories kept open besides the root.
    static let defaultCapacity = 16

    /// The directory paths are relative to.
    let root: DirectoryHandle
    /// Whether ``releaseAll()`` closes the root too.
    let ownsRoot: Bool
    /// Whether a directory is `fsync`ed before it is closed by ``evict()`` or ``synchronizeAndRelease()``.
    let synchronizes: Bool
    /// The most directories kept open besides the root.
    let capacity: Int
    /// The open directories besides the root.
    private var open: [String: DirectoryHandle] = [:]
    /// The keys of ``open``, least recently used first.
    private var order: [String] = []

    /// Creates a cache below `root`.
    ///
    /// - Parameters:
    ///   - root: The top directory (relative path `""`), never evicted.
    ///   - ownsRoot: Whether the cache closes `root` when it is released.
    ///   - synchronizes: Whether directories are `fsync`ed before they are closed.
    ///   - capacity: The most directories kept open besides the root (at least 1).
    init(root: DirectoryHandle, ownsRoot: Bool, synchronizes: Bool, capacity: Int = defaultCapacity) {
        self.root = root
        self.ownsRoot = ownsRoot
        self.synchronizes = synchronizes
        self.capacity = max(1, capacity)
    }

    /// The directory at `path` (`""` is the root), opened if needed; `nil` when a component is missing or is not
    /// a directory.
    mutating func handle(for path: String) throws(MountWriterError) -> DirectoryHandle? {
        if path.isEmpty { return root }
        if let known = open[path] {
            touch(path)
            return known
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        var start = components.count - 1
        var ancestor = root
        while start > 0 {
            if let known = open[components[..<start].joined(separator: "/")] {
                ancestor = known
                break
            }
            start -= 1
        }
        var current = ancestor
        var opened: DirectoryHandle?
        for component in components[start...] {
            let next: DirectoryHandle?
            do throws(MountWriterError) {
                next = try current.openDirectory(component)
            } catch {
                opened?.release()
                throw error
            }
            opened?.release()
            guard let next else { return nil }
            current = next
            opened = next
        }
        try insert(current, for: path)
        return current
    }

    /// Keeps `handle`, the directory at `path`, open; evicts the least recently used directory when full.
    /// The cache owns `handle` from now on, even when the eviction throws.
    mutating func insert(_ handle: DirectoryHandle, for path: String) throws(MountWriterError) {
        if let previous = open[path] {
            previous.release()
            touch(path)
        } else {
            order.append(path)
        }
        open[path] = handle
        while order.count > capacity { try evict() }
    }

    /// Closes the least recently used directory, after an `fsync` when the cache synchronizes.
    private mutating func evict() throws(MountWriterError) {
        let path = order.removeFirst()
        guard let handle = open.removeValue(forKey: path) else { return }
        defer { handle.release() }
        if synchronizes { try handle.synchronize() }
    }

    /// Moves `path` to the most recently used end.
    private mutating func touch(_ path: String) {
        if let index = order.lastIndex(of: path), index != order.count - 1 {
            order.remove(at: index)
            order.append(path)
        }
    }

    /// `fsync`s every open directory and the root when the cache synchronizes, then closes them (the root only
    /// when the cache owns it).
    mutating func synchronizeAndRelease() throws(MountWriterError) {
        defer { releaseAll() }
        guard synchronizes else { return }
        for path in order { try open[path]?.synchronize() }
        try root.synchronize()
    }

    /// Closes every open directory (and the root when the cache owns it) without synchronizing.
    mutating func releaseAll() {
        for handle in open.values { handle.release() }
        open.removeAll()
        order.removeAll()
        if ownsRoot, !released {
            root.release()
            released = true
        }
    }

    /// Whether ``releaseAll()`` already closed the root.
    private var released = false
}
