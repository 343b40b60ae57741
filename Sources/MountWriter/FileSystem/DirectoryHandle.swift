// MountWriter: an open directory, and the `*at` system calls the writer makes relative to it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An open directory file descriptor.
///
/// Every operation is relative to the descriptor (`openat`, `mkdirat`, `renameat`, ...) and names exactly one
/// entry of this directory, never a multi-component path, so no symbolic link is ever followed: entries are
/// opened with `O_NOFOLLOW`, examined with `AT_SYMLINK_NOFOLLOW`, and removed with `unlinkat`.
/// The handle does not close itself; call ``release()``.
struct DirectoryHandle {
    /// One entry of a directory listing.
    struct Entry {
        /// The raw, NUL-terminated name as the kernel returned it, kept only when it is not valid UTF-8 (so
        /// that ``name`` would not name the same entry).
        var rawName: [CChar]?
        /// The name decoded as UTF-8 (invalid sequences replaced).
        var name: String
        /// The kind reported by `readdir`, or `nil` when the file system did not say.
        var kind: FileKind?
    }

    /// What `readlinkat` found.
    enum LinkState: Equatable {
        case missing
        case notSymbolicLink
        case symbolicLink(String)
    }

    /// The open descriptor.
    let descriptor: Int32
    /// The path used in error messages.
    let displayPath: String

    /// Opens the target directory itself (its own path is resolved normally).
    static func openTarget(_ path: String) throws(MountWriterError) -> DirectoryHandle {
        let fd = SystemError.retrying { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else {
            let code = errno
            switch code {
            case ENOENT:
                throw MountWriterError(
                    code: .targetNotFound, path: path, message: "the target directory does not exist",
                    operation: "open", errno: code)
            case ENOTDIR:
                throw MountWriterError(
                    code: .targetNotDirectory, path: path, message: "the target path is not a directory",
                    operation: "open", errno: code)
            default:
                throw SystemError.failure("open", path: path, message: "cannot open the target directory")
            }
        }
        return DirectoryHandle(descriptor: fd, displayPath: path)
    }

    /// Closes the descriptor.
    func release() {
        _ = systemClose(descriptor)
    }

    /// The path of `name` inside this directory, for messages.
    func display(_ name: String) -> String {
        displayPath.hasSuffix("/") ? displayPath + name : displayPath + "/" + name
    }

    /// `fsync` of the directory itself.
    func synchronize() throws(MountWriterError) {
        guard SystemError.retrying({ fsync(descriptor) }) == 0 else {
            throw SystemError.failure("fsync", path: displayPath)
        }
    }

    /// `fstat` of the directory itself.
    func status() throws(MountWriterError) -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw SystemError.failure("fstat", path: displayPath) }
        return info
    }

    /// `fstatat(..., AT_SYMLINK_NOFOLLOW)`; `nil` when the entry does not exist.
    /// The kind of a listed entry: from the listing when the file system gave it, else from `fstatat` (nil when the
    /// entry vanished meanwhile).
    func kind(of entry: Entry) throws(MountWriterError) -> FileKind? {
        if let kind = entry.kind { return kind }
        guard let info = try status(of: entry.name) else { return nil }
        return FileKind(mode: UInt32(info.st_mode))
    }

    func status(of name: String) throws(MountWriterError) -> stat? {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return nil }
            throw SystemError.failure("fstatat", path: display(name))
        }
        return info
    }

    /// Opens a subdirectory without following a symbolic link; `nil` if `name` is missing or not a directory.
    func openDirectory(_ name: String) throws(MountWriterError) -> DirectoryHandle? {
        let fd = SystemError.retrying { openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) }
        guard fd >= 0 else {
            switch errno {
            case ENOENT, ENOTDIR, ELOOP: return nil
            default: throw SystemError.failure("openat", path: display(name))
            }
        }
        return DirectoryHandle(descriptor: fd, displayPath: display(name))
    }

    /// Creates a subdirectory, sets its mode exactly (independent of the umask) and opens it.
    func makeDirectory(_ name: String, mode: UInt32) throws(MountWriterError) -> DirectoryHandle {
        guard mkdirat(descriptor, name, mode_t(0o700)) == 0 else {
            throw SystemError.failure("mkdirat", path: display(name))
        }
        guard let handle = try openDirectory(name) else {
            throw MountWriterError(
                code: .fileSystemFailure, path: display(name), message: "a directory just created vanished")
        }
        guard fchmod(handle.descriptor, mode_t(mode)) == 0 else {
            let error = SystemError.failure("fchmod", path: handle.displayPath)
            handle.release()
            throw error
        }
        return handle
    }

    /// Lists the directory (without `.` and `..`).
    func entries() throws(MountWriterError) -> [Entry] {
        // A fresh open file description, so that listing never disturbs (or is disturbed by) another listing.
        let fd = SystemError.retrying { openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard fd >= 0 else { throw SystemError.failure("openat", path: displayPath) }
        guard let stream = fdopendir(fd) else {
            let error = SystemError.failure("fdopendir", path: displayPath)
            _ = systemClose(fd)
            throw error
        }
        defer { closedir(stream) }
        var result: [Entry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw SystemError.failure("readdir", path: displayPath) }
                break
            }
            let decoded: (name: String, raw: [CChar]?)? = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                let name = bytes.prefix(while: { $0 != 0 })
                if name.elementsEqual([46]) || name.elementsEqual([46, 46]) { return nil }  // "." and ".."
                if let valid = String(validating: name, as: UTF8.self) { return (valid, nil) }
                return (String(decoding: name, as: UTF8.self), name.map { CChar(bitPattern: $0) } + [0])
            }
            guard let (name, raw) = decoded else { continue }
            let kind: FileKind?
            switch entry.pointee.d_type {
            case 4: kind = .directory  // DT_DIR
            case 8: kind = .regular  // DT_REG
            case 10: kind = .symbolicLink  // DT_LNK
            case 0: kind = nil  // DT_UNKNOWN
            default: kind = .other
            }
            result.append(Entry(rawName: raw, name: name, kind: kind))
        }
        return result
    }

    /// `readlinkat` of one entry.
    func linkState(of name: String) throws(MountWriterError) -> LinkState {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = buffer.withUnsafeMutableBufferPointer { readlinkat(descriptor, name, $0.baseAddress!, 4096) }
        guard count >= 0 else {
            switch errno {
            case ENOENT: return .missing
            case EINVAL: return .notSymbolicLink
            default: throw SystemError.failure("readlinkat", path: display(name))
            }
        }
        let bytes = buffer[0..<count].map { UInt8(bitPattern: $0) }
        return .symbolicLink(String(decoding: bytes, as: UTF8.self))
    }

    /// `symlinkat(target, self, name)`.
    func createSymbolicLink(_ name: String, pointingTo target: String) throws(MountWriterError) {
        guard symlinkat(target, descriptor, name) == 0 else {
            throw SystemError.failure("symlinkat", path: display(name))
        }
    }

    /// Makes `name` in this directory a new hard link to the entry `name` of `source` (never following a
    /// symbolic link); returns `false` if the file system refuses.
    func hardLink(_ name: String, from source: DirectoryHandle) -> Bool {
        linkat(source.descriptor, name, descriptor, name, 0) == 0
    }

    /// `renameat` within this directory (atomically replaces a non-directory `destination`).
    func moveEntry(_ source: String, to destination: String) throws(MountWriterError) {
        guard renameat(descriptor, source, descriptor, destination) == 0 else {
            throw SystemError.failure("renameat", path: display(destination))
        }
    }

    /// Removes a non-directory entry; a missing entry is not an error.
    func removeFileEntry(_ name: String) throws(MountWriterError) {
        guard unlinkat(descriptor, name, 0) == 0 || errno == ENOENT else {
            throw SystemError.failure("unlinkat", path: display(name))
        }
    }

    /// Creates a new regular file (never following or replacing anything), writes `contents` with one `write`
    /// call (repeated only if the kernel writes less), applies the owner, then the exact mode, and optionally
    /// `fsync`s it.
    func createFile(
        _ name: String,
        contents: [UInt8],
        mode: UInt32,
        owner: FileOwner?,
        synchronize: Bool
    ) throws(MountWriterError) {
        let fd = SystemError.retrying {
            openat(descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(0o600))
        }
        guard fd >= 0 else { throw SystemError.failure("openat", path: display(name)) }
        defer { _ = systemClose(fd) }
        let failedWrite: Int32 = contents.withUnsafeBytes { buffer in
            guard var base = buffer.baseAddress else { return 0 }
            var remaining = buffer.count
            while remaining > 0 {
                let written = write(fd, base, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                remaining -= written
                base += written
            }
            return 0
        }
        if failedWrite != 0 {
            errno = failedWrite
            throw SystemError.failure("write", path: display(name))
        }
        if let owner {
            guard fchown(fd, owner.user ?? uid_t.max, owner.group ?? gid_t.max) == 0 else {
                throw SystemError.failure("fchown", path: display(name))
            }
        }
        guard fchmod(fd, mode_t(mode)) == 0 else { throw SystemError.failure("fchmod", path: display(name)) }
        if synchronize {
            guard SystemError.retrying({ fsync(fd) }) == 0 else {
                throw SystemError.failure("fsync", path: display(name))
            }
        }
    }
}

/// `close(2)`, outside the type so that the name does not clash with a method.
func systemClose(_ descriptor: Int32) -> Int32 {
    close(descriptor)
}
