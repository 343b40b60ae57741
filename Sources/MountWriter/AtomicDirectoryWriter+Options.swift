// MountWriter: configuration of an `AtomicDirectoryWriter`.

extension AtomicDirectoryWriter {
    /// What the writer does with a payload path that is valid but not clean (`a//b`, `./a`, `a/./b`, `a/`).
    public enum PathPolicy: Sendable, Hashable {
        /// Reject it with ``MountWriterError/Code/uncleanPath`` (what the Secrets Store CSI driver does with
        /// provider responses). The default.
        case requireClean
        /// Clean it (drop empty and `.` components), as the Kubernetes atomic writer does; two keys that clean
        /// to the same path are rejected with ``MountWriterError/Code/duplicatePath``.
        case clean
    }

    /// Options of an ``AtomicDirectoryWriter``.
    public struct Options: Sendable, Hashable {
        /// How unclean paths are treated (default ``PathPolicy/requireClean``).
        public var pathPolicy: PathPolicy
        /// Whether to `fsync` every written file, every created directory and the target directory after the
        /// swap, so that a published projection survives a power loss (default `false`: a crash of the process
        /// is always safe, a power loss may then lose the newest write or leave it partially on disk).
        public var synchronizesToDisk: Bool
        /// The exact mode of the data directory and every directory inside it (default `0o755`, readable and
        /// traversable by everyone; file modes control who can read the files).
        public var directoryMode: UInt32

        /// Whether a write that changes some files hard-links the unchanged ones (same bytes, mode and requested
        /// owner, and not linked anywhere else) from the current data directory instead of writing them again
        /// (default `true`). The new and old data directories then share those inodes until the old directory
        /// is deleted at the end of the write; readers see no difference. Set it to `false` to always write
        /// fresh copies (for example on a file system without hard links; a refused link falls back to writing
        /// anyway).
        public var reusesUnchangedFiles: Bool

        /// How long ``AtomicDirectoryWriter/write(_:)`` and ``AtomicDirectoryWriter/readProjection(includingOwners:)``
        /// wait for the `flock` on the target directory while another writer holds it (default 120 seconds;
        /// `nil` waits without a deadline, though still cancellably). When it runs out, the call throws
        /// ``MountWriterError/Code/lockTimeout`` naming the target and touches nothing. Writers of this library
        /// hold the lock only for the length of one write, so the timeout matters only when a write is very slow
        /// or another process keeps the lock (any process that can open the target can `flock` it).
        /// A caller with an overall deadline sets it to the time left.
        public var lockTimeout: Duration?

        /// Creates options.
        ///
        /// - Parameters:
        ///   - pathPolicy: How unclean paths are treated.
        ///   - synchronizesToDisk: Whether to `fsync` files and directories.
        ///   - directoryMode: The mode of every directory the writer creates; it is masked to `0o7777`.
        ///   - reusesUnchangedFiles: Whether unchanged files are hard-linked into a new data directory.
        ///   - lockTimeout: How long to wait for another writer's lock (`nil`: no deadline). A negative value
        ///     counts as zero (one attempt).
        public init(
            pathPolicy: PathPolicy = .requireClean,
            synchronizesToDisk: Bool = false,
            directoryMode: UInt32 = 0o755,
            reusesUnchangedFiles: Bool = true,
            lockTimeout: Duration? = .seconds(120)
        ) {
            self.pathPolicy = pathPolicy
            self.synchronizesToDisk = synchronizesToDisk
            self.directoryMode = directoryMode & 0o7777
            self.reusesUnchangedFiles = reusesUnchangedFiles
        self.lockTimeout = lockTimeout.map { max($0, .zero) }
        }
    }
}
