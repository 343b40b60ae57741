// MountWriter: removing a directory tree of any depth with a bounded number of open descriptors.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension DirectoryHandle {
    /// How many directory levels one pass of ``removeTree(_:)`` holds open at most. A directory found deeper is
    /// moved up into this directory (under a ``ReservedNames/removalPrefix`` name) and removed by a later pass.
    static let removalDepth = 16

    /// Removes an entry and, if it is a real directory, everything below it, never following a symbolic link.
    /// A missing entry is not an error.
    ///
    /// Works at any depth with at most ``removalDepth`` + 1 open descriptors: a subdirectory that many levels
    /// down is renamed into this directory as `..removing.<random>` and removed from there, pass after pass. If
    /// the removal is interrupted (a crash or a failure), such entries are leftovers that the next write removes
    /// (``ReservedNames/isLeftover(_:currentDataDirectory:)``).
    ///
    /// - Parameter name: One entry of this directory.
    /// - Throws: ``MountWriterError/Code/fileSystemFailure`` naming the entry that could not be removed.
    func removeTree(_ name: String) throws(MountWriterError) {
        var pending: [String] = []
        try removeTree(raw: Array(name.utf8CString), displayName: name, kind: nil, top: self, depth: 0, movedAside: &pending)
        while let next = pending.popLast() {
            try removeTree(raw: Array(next.utf8CString), displayName: next, kind: nil, top: self, depth: 0, movedAside: &pending)
        }
    }

    /// Removes the entry `raw` of this directory, which sits `depth` levels below `top`.
    private func removeTree(
        raw: [CChar],
        displayName: String,
        kind: FileKind?,
        top: DirectoryHandle,
        depth: Int,
        movedAside: inout [String]
    ) throws(MountWriterError) {
        if kind != .directory {
            if unlinkat(descriptor, raw, 0) == 0 { return }
            let code = errno
            if code == ENOENT { return }
            guard code == EISDIR || code == EPERM else {
                throw SystemError.failure("unlinkat", path: display(displayName))
            }
        }
        if depth >= Self.removalDepth {
            if let aside = try top.moveAside(raw, from: self, displayName: displayName) { movedAside.append(aside) }
            return
        }
        let fd = SystemError.retrying { openat(descriptor, raw, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else {
            if errno == ENOENT { return }
            throw SystemError.failure("openat", path: display(displayName))
        }
        let child = DirectoryHandle(descriptor: fd, displayPath: display(displayName))
        defer { child.release() }
        for entry in try child.entries() {
            try child.removeTree(
                raw: entry.rawName ?? Array(entry.name.utf8CString), displayName: entry.name, kind: entry.kind,
                top: top, depth: depth + 1, movedAside: &movedAside)
        }
        guard unlinkat(descriptor, raw, AT_REMOVEDIR) == 0 || errno == ENOENT else {
            throw SystemError.failure("unlinkat", path: display(displayName))
        }
    }

    /// Renames the directory `raw` of `parent` into this directory under a fresh ``ReservedNames/removalPrefix``
    /// name and returns that name; `nil` when the entry no longer exists.
    private func moveAside(
        _ raw: [CChar],
        from parent: DirectoryHandle,
        displayName: String
    ) throws(MountWriterError) -> String? {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<16 {
            let name = ReservedNames.removalPrefix + String(UInt64.random(in: 0...UInt64.max, using: &generator))
            if renameat(parent.descriptor, raw, descriptor, name) == 0 { return name }
            switch errno {
            case ENOENT: return nil
            case EEXIST, ENOTEMPTY: continue
            default: throw SystemError.failure("renameat", path: parent.display(displayName))
            }
        }
        throw SystemError.failure("renameat", path: parent.display(displayName))
    }
}
