// MountWriter: atomic projection of files into a directory (Kubernetes atomic-writer layout).

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Projects a set of files into a directory atomically, with the on-disk layout of the Kubernetes atomic writer
/// (the one kubelet uses for Secret and ConfigMap volumes and the Secrets Store CSI driver uses for mounts).
///
/// ## Layout
///
/// ```
/// <target>/..2026_11_29_00_10_01.2871346501/   the files (directories mode 0755, files their exact mode)
/// <target>/..data -> ..2026_11_29_00_10_01.2871346501   relative link, swapped atomically
/// <target>/tls.crt -> ..data/tls.crt            one link per top-level name
/// <target>/config  -> ..data/config             nested paths (config/a/b) are reached through it
/// ```
/// Every name that starts with `..` belongs to the writer; payload paths may not start with `..`.
/// Readers open the user-visible names (or `..data/...`) and always see one complete projection.
///
/// ## Algorithm of ``write(_:)``
///
/// 1. Validate every path (the Kubernetes rules, at most 64 components, cleanliness, duplicates,
///    file-versus-directory conflicts) and mode. Any problem rejects the whole write before anything is touched.
/// 2. Open the target directory and take an exclusive `flock` on it, waiting at most ``Options/lockTimeout`` and
///    only as long as the caller is not cancelled (see "Concurrency").
/// 3. Read `..data`. A link to a bare data-directory name (`..YYYY_MM_DD_HH_MM_SS.<suffix>`) is the current
///    data; anything else (an absolute or multi-component target such as `/etc`, a dangling link, a real
///    directory) is *not* followed: it is treated as "no current data" and replaced by step 6.
/// 4. Remove leftovers of interrupted writes (`..data_tmp`, orphaned data directories, `..link_tmp.*`,
///    `..removing.*`), then
///    compare the current data with the payload (type, size, mode and requested owner first, bytes only when
///    they match).
/// 5. If nothing differs: re-create or fix the user-visible links and return (no new directory, no swap).
///    Unlike the Kubernetes writer, a change of mode or requested owner alone *is* a difference.
/// 6. Otherwise write the payload into a fresh `..<UTC timestamp>.<random>` directory (each file created with
///    `O_EXCL`, written with one `write`, `fchown` if requested, `fchmod` to the exact mode, `fsync` if
///    ``Options/synchronizesToDisk``; a file identical to the current one is hard-linked from the current data
///    directory instead when ``Options/reusesUnchangedFiles``), link `..data_tmp` to it and `rename(2)`
///    `..data_tmp` over `..data`: the one atomic step that publishes the new set.
/// 7. After the swap, create the user-visible link of every new top-level name, replace any wrong entry at a
///    payload name (a planted link to elsewhere is replaced, never followed; a real file or directory there,
///    for example from a writer that wrote files directly, is removed), remove the links of names no longer in
///    the payload, and delete the previous data directory.
///
/// ## Guarantees
///
/// - **Atomic switch.** At any moment, and after the process is killed at any point, `..data` names either
///   the complete previous data directory or the complete new one; files reached through the user-visible
///   links of names present in both sets are therefore always all old or all new. A top-level name that is
///   new in this write gets its link only after the swap (so no link ever dangles); if the process dies in
///   between, that one link is missing until the next write, which re-creates it even if the data is unchanged.
/// - **Crash leftovers never block.** A stale `..data_tmp` or an orphaned data directory is removed by the
///   next write. A write that fails while filling the new data directory removes it before throwing.
/// - **No escape from the target.** Every operation is relative to a directory descriptor and names a single
///   entry (`openat`/`mkdirat`/`unlinkat` with `O_NOFOLLOW`/`AT_SYMLINK_NOFOLLOW`), so a symbolic link planted
///   in the target directory or inside a data directory is never followed for writing, reading or deleting.
///   The target path itself is resolved normally (it is trusted input from the caller).
/// - **Exact modes.** Files and directories get exactly the requested bits whatever the process umask.
/// - **Bounded descriptors.** A write holds a bounded number of file descriptors whatever the payload's shape
///   (see "Descriptors"), so a large or deep payload cannot fail for lack of descriptors after all the work of
///   fetching it, and neither can the removal of an old data directory or of a leftover of any depth.
/// - **Errors after the swap.** If fixing links or deleting the previous data directory fails, the new data is
///   already live and the error is thrown; writing the same payload again completes the work.
///
/// ## Cost
///
/// A no-op write still reads every projected file once (the comparison is byte-exact; `O_NOATIME` keeps it
/// from dirtying inodes), so its cost grows with the total size. A changed write creates a complete new data
/// directory, hard-linking unchanged files, and deletes the old one.
///
/// ## Descriptors
///
/// Besides the target and the current data directory, a write keeps at most 16 directories of the new data
/// directory open, and 16 of the current one (to hard-link unchanged files), least recently used first out;
/// files are written in sorted order, so a directory is rarely reopened. An evicted directory is `fsync`ed
/// first when ``Options/synchronizesToDisk`` is set, and reopened later one component at a time from its nearest
/// open ancestor with `O_NOFOLLOW`, like every other open. The walks that compare or read back a data directory
/// hold one descriptor per level and never go below 64 levels (no payload path may have more than 64
/// components: ``MountWriterError/Code/pathTooDeep``); what lies deeper cannot be the writer's, so it makes the
/// comparison differ and is skipped by ``readProjection(includingOwners:)``. A removal holds at most 17 levels
/// open: a directory deeper than that is renamed up into the target as `..removing.<random>` and removed from
/// there, so trees of any depth are removed, and an interrupted removal is a leftover the next write cleans up.
/// In all, one write holds at most about 70 descriptors at a time (and one read-back about 66).
///
/// ## Concurrency
///
/// ``write(_:)`` and ``readProjection(includingOwners:)`` are synchronous and **block the calling thread** while
/// they wait for the lock and do file I/O; from Swift concurrency, call them from a context that may block
/// (for example a dedicated thread or a task that is allowed to wait on I/O).
///
/// The wait for the lock is bounded and cancellable. The writer first tries `flock` with `LOCK_NB`; when the lock is
/// busy, a helper thread waits for it in a blocking `flock` on a second descriptor of the target (so the lock is
/// handed over as soon as the holder lets go, and a writer in a tight loop cannot starve the others), while the
/// calling thread checks every 5 ms, doubling up to 20 ms, whether to give up. It gives up with
/// ``MountWriterError/Code/lockTimeout`` (naming the target and saying another process holds the lock) once
/// ``Options/lockTimeout`` has passed (120 seconds by default), and with ``MountWriterError/Code/cancelled`` when the
/// calling task is cancelled (`Task.isCancelled`, checked between attempts, so a cancelled caller returns within
/// about 20 ms). An abandoned helper thread releases the lock the moment it gets it; a process keeps at most 8 of
/// them (each with one descriptor) and polls with `LOCK_NB` beyond that. Code that runs the write on a thread outside
/// the task, such as a Dispatch queue, passes its own check to ``write(_:isCancelled:)``. Both errors come before
/// anything is touched; once the lock is held, a write is never abandoned half way. A caller in Swift concurrency
/// typically maps ``MountWriterError/Code/cancelled`` to `CancellationError` and reports
/// ``MountWriterError/Code/lockTimeout`` as a busy target that a later attempt may write.
///
/// The lock is a `flock` on a descriptor of the target directory, opened anew by each call. Linux `flock`
/// locks belong to the open file description, so two writers on the same directory conflict whether they are
/// in one process (any threads, any ``AtomicDirectoryWriter`` values) or in different processes: writes are
/// serialized, and ``readProjection(includingOwners:)`` (a shared lock) never overlaps a write. The lock is
/// advisory: it does not stop a process that writes the directory without this library (such as the Go
/// atomic writer), it is released when the holder exits (including `SIGKILL`), and it is not reliable on
/// network file systems. Readers that open files by path take no lock and rely on the atomic switch only.
///
/// Built and tested on Linux (Glibc) only; the Darwin branches of the imports are neither built nor tested.
public struct AtomicDirectoryWriter: Sendable {
    /// The directory the projection is written into; it must exist.
    public let targetDirectory: String
    /// The writer's options.
    public let options: Options

    /// Creates a writer for a target directory. Nothing is touched until ``write(_:)``.
    ///
    /// - Parameters:
    ///   - targetDirectory: An existing directory (absolute or relative to the working directory).
    ///   - options: Path policy, durability and directory mode.
    public init(targetDirectory: String, options: Options = Options()) {
        self.targetDirectory = targetDirectory
        self.options = options
    }

    /// Makes the target directory hold exactly `payload`, atomically; a no-op when it already does.
    ///
    /// Blocks the calling thread (lock and file I/O). See the type's documentation for the algorithm and
    /// guarantees. An empty payload is valid and removes every projected file. While another writer holds the
    /// lock, the wait stops when the current task is cancelled (`Task.isCancelled`, which is `false` outside a
    /// task, for example on a Dispatch queue: use ``write(_:isCancelled:)`` there) or when
    /// ``Options/lockTimeout`` runs out.
    ///
    /// - Parameter payload: Relative paths (for example `tls.crt` or `config/app/settings.json`) and their files.
    /// - Returns: Whether the projection changed, which paths were added, updated or removed, and the current
    ///   data directory.
    /// - Throws: ``MountWriterError``: an input error (nothing touched), ``MountWriterError/Code/targetNotFound``
    ///   or ``MountWriterError/Code/targetNotDirectory``, ``MountWriterError/Code/lockTimeout`` or
    ///   ``MountWriterError/Code/cancelled`` (nothing touched), or ``MountWriterError/Code/fileSystemFailure``
    ///   (the previous projection stays readable unless the failure came after the swap).
    @discardableResult
    public func write(_ payload: [String: ProjectedFile]) throws(MountWriterError) -> WriteResult {
        try write(payload, isCancelled: { Task.isCancelled })
    }

    /// Makes the target directory hold exactly `payload`, atomically, asking `isCancelled` while it waits for
    /// another writer's lock.
    ///
    /// The same as ``write(_:)`` but for the cancellation check: use it when the write runs outside the task that
    /// may be cancelled (for example on a Dispatch worker thread), with a closure that reads a flag the task's
    /// cancellation handler sets. Cancellation is honoured only while the lock is busy (checked every 5 to 20 ms):
    /// once the lock is held, the write runs to completion, so it never leaves a half-done projection behind.
    ///
    /// - Parameters:
    ///   - payload: Relative paths and their files.
    ///   - isCancelled: Called between attempts to take a busy lock; `true` stops the write with
    ///     ``MountWriterError/Code/cancelled`` before anything is touched.
    /// - Returns: What changed (see ``write(_:)``).
    /// - Throws: ``MountWriterError``, as ``write(_:)``.
    @discardableResult
    public func write(
        _ payload: [String: ProjectedFile],
        isCancelled: () -> Bool
    ) throws(MountWriterError) -> WriteResult {
        let validated = try PayloadValidator.validate(payload, policy: options.pathPolicy)
        let target = try DirectoryHandle.openTarget(targetDirectory)
        defer { target.release() }
        let lock = try target.lock(exclusive: true, timeout: options.lockTimeout, isCancelled: isCancelled)
        defer { lock.release() }

        let current = try CurrentData(in: target)
        defer { current.release() }
        let leftovers = try removeLeftovers(in: target, keeping: current.name)
        let comparison: ProjectionComparison
        if case .directory(_, let handle) = current {
            comparison = try ProjectionComparison(
                dataDirectory: handle, payload: validated, directoryMode: options.directoryMode)
        } else {
            comparison = ProjectionComparison(nothingAgainst: validated)
        }

        if let currentName = current.name, comparison.isIdentical {
            let links = try reconcileUserVisibleLinks(in: target, names: validated.topLevelNames)
            if options.synchronizesToDisk && !(links.isEmpty && leftovers.isEmpty) { try target.synchronize() }
            return WriteResult(
                changed: false, added: [], updated: [], removed: [], dataDirectory: currentName,
                changedLinks: links, removedLeftovers: leftovers)
        }

        var reuse: (directory: DirectoryHandle, paths: Set<String>)?
        if options.reusesUnchangedFiles, case .directory(_, let handle) = current, !comparison.reusable.isEmpty {
            reuse = (handle, comparison.reusable)
        }
        let newName = try writeDataDirectory(validated, in: target, reusing: reuse)
        try publish(newName, in: target, replacingNonLink: current.isNotALink)
        let links = try reconcileUserVisibleLinks(in: target, names: validated.topLevelNames)
        if let oldName = current.name { try target.removeTree(oldName) }
        if options.synchronizesToDisk { try target.synchronize() }
        return WriteResult(
            changed: true, added: comparison.added, updated: comparison.updated, removed: comparison.removedFiles,
            dataDirectory: newName, changedLinks: links, removedLeftovers: leftovers)
    }

    /// Reads the current projection: every regular file below the data directory `..data` names, by relative
    /// path, with its bytes and mode (and owner if asked).
    ///
    /// Takes a shared lock, so it never observes a write of this library half done. Returns an empty dictionary
    /// when there is no projection (or `..data` is not a link to a data directory, which is never followed).
    /// Symbolic links and special files inside the data directory are skipped, not followed.
    ///
    /// - Parameter includingOwners: Whether to fill ``ProjectedFile/owner`` with each file's uid and gid
    ///   (default `false`, so the result compares equal to a payload written without owners).
    /// - Returns: The projected files by relative path.
    ///   Directories deeper than any payload may be (64 components) are skipped.
    /// - Throws: ``MountWriterError`` when the target is missing or a file cannot be read;
    ///   ``MountWriterError/Code/lockTimeout`` or ``MountWriterError/Code/cancelled`` (the current task was
    ///   cancelled) while a writer holds the lock.
    public func readProjection(includingOwners: Bool = false) throws(MountWriterError) -> [String: ProjectedFile] {
        try readProjection(includingOwners: includingOwners, isCancelled: { Task.isCancelled })
    }

    /// Reads the current projection, asking `isCancelled` while it waits for a writer's lock (see
    /// ``write(_:isCancelled:)``).
    ///
    /// - Parameters:
    ///   - includingOwners: Whether to fill ``ProjectedFile/owner``.
    ///   - isCancelled: Called between attempts to take a busy lock; `true` stops with
    ///     ``MountWriterError/Code/cancelled``.
    /// - Returns: The projected files by relative path.
    /// - Throws: ``MountWriterError``, as ``readProjection(includingOwners:)``.
    public func readProjection(
        includingOwners: Bool,
        isCancelled: () -> Bool
    ) throws(MountWriterError) -> [String: ProjectedFile] {
        let target = try DirectoryHandle.openTarget(targetDirectory)
        defer { target.release() }
        let lock = try target.lock(exclusive: false, timeout: options.lockTimeout, isCancelled: isCancelled)
        defer { lock.release() }
        let current = try CurrentData(in: target)
        defer { current.release() }
        guard case .directory(_, let handle) = current else { return [:] }
        return try ProjectionReader.read(handle, includeOwners: includingOwners)
    }
}

// MARK: - Steps of a write

extension AtomicDirectoryWriter {
    /// Removes `..data_tmp`, `..link_tmp.*` and every data directory other than the current one.
    func removeLeftovers(in target: DirectoryHandle, keeping current: String?) throws(MountWriterError) -> [String] {
        var removed: [String] = []
        for entry in try target.entries() where ReservedNames.isLeftover(entry.name, currentDataDirectory: current) {
            try target.removeTree(entry.name)
            removed.append(entry.name)
        }
        return removed.sorted()
    }

    /// Creates a fresh data directory holding the payload; removes it again if anything fails.
    ///
    /// Files listed in `reuse` are identical (bytes, mode, requested owner) in the current data directory and
    /// linked nowhere else; they are hard-linked from there instead of written again (falling back to writing
    /// if the file system refuses the link).
    func writeDataDirectory(
        _ payload: ValidatedPayload,
        in target: DirectoryHandle,
        reusing reuse: (directory: DirectoryHandle, paths: Set<String>)? = nil
    ) throws(MountWriterError) -> String {
        var generator = SystemRandomNumberGenerator()
        var name = ReservedNames.newDataDirectoryName(using: &generator)
        var root: DirectoryHandle?
        var attempts = 0
        while root == nil {
            do throws(MountWriterError) {
                root = try target.makeDirectory(name, mode: options.directoryMode)
            } catch where error.errno == EEXIST && attempts < 16 {
                attempts += 1
                name = ReservedNames.newDataDirectoryName(using: &generator)
            }
        }
        guard let root else { preconditionFailure("unreachable: the loop only exits with a directory") }
        // A few open directories of the new data directory, and of the current one for hard links: reached one
        // component at a time without following links, so the write holds a bounded number of descriptors
        // whatever the payload's shape. Sorted paths keep the directories of neighbouring files open.
        var handles = DirectoryCache(root: root, ownsRoot: true, synchronizes: options.synchronizesToDisk)
        var sources = reuse.map { DirectoryCache(root: $0.directory, ownsRoot: false, synchronizes: false) }
        defer {
            handles.releaseAll()
            sources?.releaseAll()
        }
        func directory(_ path: String) throws(MountWriterError) -> DirectoryHandle {
            guard let handle = try handles.handle(for: path) else {
                throw MountWriterError(
                    code: .fileSystemFailure, path: root.display(path),
                    message: "a directory just created vanished")
            }
            return handle
        }
        do throws(MountWriterError) {
            for path in payload.directories.sorted() {
                let (parent, leaf) = Self.split(path)
                let created = try directory(parent).makeDirectory(leaf, mode: options.directoryMode)
                try handles.insert(created, for: path)
            }
            for path in payload.files.keys.sorted() {
                let file = payload.files[path]!
                let (parent, leaf) = Self.split(path)
                if let reuse, reuse.paths.contains(path), let from = try sources?.handle(for: parent),
                    try directory(parent).hardLink(leaf, from: from)
                {
                    continue
                }
                try directory(parent).createFile(
                    leaf, contents: file.contents, mode: file.mode, owner: file.owner,
                    synchronize: options.synchronizesToDisk)
            }
            try handles.synchronizeAndRelease()
        } catch {
            handles.releaseAll()
            sources?.releaseAll()
            try? target.removeTree(name)
            throw error
        }
        return name
    }

    /// Points `..data` at `name` with one `rename(2)` of `..data_tmp`.
    func publish(_ name: String, in target: DirectoryHandle, replacingNonLink: Bool) throws(MountWriterError) {
        do throws(MountWriterError) {
            if replacingNonLink { try target.removeTree(ReservedNames.dataLink) }
            try target.removeTree(ReservedNames.dataLinkStaging)
            try target.createSymbolicLink(ReservedNames.dataLinkStaging, pointingTo: name)
            try target.moveEntry(ReservedNames.dataLinkStaging, to: ReservedNames.dataLink)
        } catch {
            try? target.removeFileEntry(ReservedNames.dataLinkStaging)
            try? target.removeTree(name)
            throw error
        }
        if options.synchronizesToDisk { try target.synchronize() }
    }

    /// Makes `<name> -> ..data/<name>` exist for every payload top-level name and removes such links for other
    /// names. Returns the names whose entry changed, sorted.
    func reconcileUserVisibleLinks(
        in target: DirectoryHandle,
        names: Set<String>
    ) throws(MountWriterError) -> [String] {
        var changed: [String] = []
        for name in names.sorted() {
            let wanted = ReservedNames.userLinkTarget(name)
            switch try target.linkState(of: name) {
            case .symbolicLink(let existing) where existing == wanted:
                continue
            case .missing:
                try target.createSymbolicLink(name, pointingTo: wanted)
            case .notSymbolicLink:
                if let info = try target.status(of: name), FileKind(mode: UInt32(info.st_mode)) == .directory {
                    try target.removeTree(name)
                    try target.createSymbolicLink(name, pointingTo: wanted)
                } else {
                    try replaceEntry(name, withLinkTo: wanted, in: target)
                }
            case .symbolicLink:
                try replaceEntry(name, withLinkTo: wanted, in: target)
            }
            changed.append(name)
        }
        for entry in try target.entries() where !entry.name.hasPrefix("..") && !names.contains(entry.name) {
            guard entry.kind == nil || entry.kind == .symbolicLink else { continue }
            if case .symbolicLink(let existing) = try target.linkState(of: entry.name),
                existing == ReservedNames.userLinkTarget(entry.name)
            {
                try target.removeFileEntry(entry.name)
                changed.append(entry.name)
            }
        }
        return changed.sorted()
    }

    /// Atomically replaces a non-directory entry with a link, through a staging name and `rename(2)`.
    private func replaceEntry(_ name: String, withLinkTo wanted: String, in target: DirectoryHandle) throws(MountWriterError) {
        var generator = SystemRandomNumberGenerator()
        let staging = ReservedNames.userLinkStagingPrefix + String(UInt64.random(in: 0...UInt64.max, using: &generator))
        try target.createSymbolicLink(staging, pointingTo: wanted)
        do throws(MountWriterError) {
            try target.moveEntry(staging, to: name)
        } catch {
            try? target.removeFileEntry(staging)
            throw error
        }
    }

    /// Splits `a/b/c` into (`a/b`, `c`) and `c` into (``, `c`).
    static func split(_ path: String) -> (parent: String, leaf: String) {
        let utf8 = path.utf8
        guard let slash = utf8.lastIndex(of: UInt8(ascii: "/")) else { return ("", path) }
        return (
            String(decoding: utf8[..<slash], as: UTF8.self),
            String(decoding: utf8[utf8.index(after: slash)...], as: UTF8.self)
        )
    }
}
